#pragma once
// JsonTreeModel: written by the GUI work (see ui/).
