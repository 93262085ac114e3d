#include "mappingeditor.h"

#include "mappingfieldrow.h"

#include <core/dialects/mappingfile.h>
#include <core/jobs/mappingpreview.h>
#include <core/model/payload.h>
#include <core/model/timeformat.h>

#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

using Kind = MappingFieldRow::Kind;

const QString kEventsTable = u"events.table"_s;
const QString kSnapshotsTable = u"snapshots.table"_s;

// Column names libraries and teams commonly give each field, tried in order when a table is picked and the
// field is still empty. A guess is only a start: the preview shows at once whether it reads right.
const QList<QPair<QString, QStringList>> kGuesses {
    { u"position"_s, { u"position"_s, u"global_position"_s, u"seq"_s } },
    { u"stream"_s, { u"stream"_s, u"stream_id"_s, u"stream_name"_s } },
    { u"version"_s, { u"version"_s, u"stream_version"_s, u"stream_position"_s, u"sequence"_s } },
    { u"type"_s, { u"type"_s, u"event_type"_s } },
    { u"time"_s, { u"time"_s, u"created_at"_s, u"created"_s, u"timestamp"_s, u"recorded_at"_s } },
    { u"id"_s, { u"id"_s, u"event_id"_s } },
    { u"data"_s, { u"data"_s, u"payload"_s, u"body"_s } },
    { u"metadata"_s, { u"metadata"_s, u"meta"_s } },
};

TableName tableNamed(const QString& text)
{
    const qsizetype dot = text.indexOf(u'.');
    if (dot < 0)
        return TableName { {}, text };
    return TableName { text.left(dot), text.mid(dot + 1) };
}

QColor errorColour()
{
    return QColor(0xb0, 0x20, 0x20);
}

} // namespace

MappingEditor::MappingEditor(StoreLocation location, QString password, QWidget* parent)
    : QDialog(parent)
    , m_location(std::move(location))
    , m_password(std::move(password))
    , m_schema(new StoreSchemaReader(this))
    , m_preview(new MappingPreview(this))
    , m_previewTimer(new QTimer(this))
{
    setObjectName(u"mappingEditor"_s);
    setWindowTitle(tr("Mapping of %1").arg(m_location.displayName()));

    m_storeLabel = new QLabel(tr("Reading the tables of %1…").arg(m_location.displayName()), this);
    m_storeLabel->setObjectName(u"storeLabel"_s);
    m_storeLabel->setWordWrap(true);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(createFieldsPane());
    splitter->addWidget(createPreviewPane());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);

    m_importButton = new QPushButton(tr("&Import…"), this);
    m_importButton->setObjectName(u"importButton"_s);
    m_importButton->setToolTip(tr("Read a mapping file (JSON)"));
    m_exportButton = new QPushButton(tr("E&xport…"), this);
    m_exportButton->setObjectName(u"exportButton"_s);
    m_exportButton->setToolTip(tr("Write the mapping to a file, for eventscope-cli --mapping"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_okButton = buttons->button(QDialogButtonBox::Ok);
    m_okButton->setObjectName(u"okButton"_s);
    m_okButton->setText(tr("&Use Mapping"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(u"cancelButton"_s);
    // The file buttons on the left, away from the ones that close the dialog.
    auto* buttonRow = new QHBoxLayout;
    buttonRow->addWidget(m_importButton);
    buttonRow->addWidget(m_exportButton);
    buttonRow->addStretch(1);
    buttonRow->addWidget(buttons);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_storeLabel);
    layout->addWidget(splitter, 1);
    layout->addLayout(buttonRow);

    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(kPreviewDelayMs);
    connect(m_previewTimer, &QTimer::timeout, this, &MappingEditor::startPreview);
    connect(m_schema, &StoreSchemaReader::schemaRead, this, &MappingEditor::showSchema);
    connect(m_schema, &StoreSchemaReader::failed, this, [this](const StoreError& error) {
        m_storeLabel->setText(tr("Cannot read the tables of %1: %2").arg(m_location.displayName(), error.message));
        emit schemaLoaded();
    });
    connect(m_preview, &MappingPreview::eventsRead, this, &MappingEditor::showPreview);
    connect(m_preview, &MappingPreview::failed, this, &MappingEditor::showPreviewError);
    connect(buttons, &QDialogButtonBox::accepted, this, &MappingEditor::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &MappingEditor::reject);
    connect(m_importButton, &QPushButton::clicked, this, &MappingEditor::importChosenFile);
    connect(m_exportButton, &QPushButton::clicked, this, &MappingEditor::exportToChosenFile);

    resize(1180, 720);
    m_schema->read(m_location, m_password);
    startPreview();
}

MappingEditor::~MappingEditor() = default;

QWidget* MappingEditor::createFieldsPane()
{
    auto* fields = new QWidget;
    auto* form = new QFormLayout(fields);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_name = new QLineEdit(fields);
    m_name->setObjectName(u"nameEdit"_s);
    m_name->setPlaceholderText(tr("optional: what info calls this store"));
    form->addRow(tr("&Name:"), m_name);
    connect(m_name, &QLineEdit::textEdited, this, &MappingEditor::fieldEdited);

    const auto add
        = [this, form, fields](const QString& field, Kind kind, const QString& label, const QString& placeholder) {
              auto* row = new MappingFieldRow(field, kind, placeholder, fields);
              m_rows.append(row);
              m_rowByField.insert(field, row);
              form->addRow(label, row);
              connect(row, &MappingFieldRow::edited, this, &MappingEditor::fieldEdited);
              return row;
          };
    add(kEventsTable, Kind::Expression, tr("Events &table:"), tr("the table that holds the events"));
    add(u"events.position"_s, Kind::Expression, tr("&Position:"), tr("global order: unique, ascending integer"));
    add(u"events.stream"_s, Kind::Expression, tr("&Stream:"), tr("e.g. domain || '/' || identifier"));
    add(u"events.category"_s, Kind::Expression, tr("Ca&tegory:"), tr("optional: text before the first '-'"));
    add(u"events.version"_s, Kind::Expression, tr("&Version:"), tr("order inside the stream (integer)"));
    add(u"events.type"_s, Kind::Expression, tr("T&ype:"), tr("the event type"));
    add(u"events.time"_s, Kind::Time, tr("Ti&me:"), tr("optional"));
    add(u"events.id"_s, Kind::Expression, tr("&Id:"), tr("optional"));
    add(u"events.data"_s, Kind::Payload, tr("&Data:"), tr("optional: the payload"));
    add(u"events.metadata"_s, Kind::Payload, tr("Metad&ata:"), tr("optional"));
    add(u"events.where"_s, Kind::Expression, tr("&Where:"), tr("optional: a condition every event meets"));

    m_snapshots = new QGroupBox(tr("S&napshots"), fields);
    m_snapshots->setObjectName(u"snapshotsGroup"_s);
    m_snapshots->setCheckable(true);
    m_snapshots->setChecked(false);
    auto* snapshotForm = new QFormLayout(m_snapshots);
    snapshotForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const auto addSnapshot
        = [this, snapshotForm](const QString& field, Kind kind, const QString& label, const QString& placeholder) {
              auto* row = new MappingFieldRow(field, kind, placeholder, m_snapshots);
              m_rows.append(row);
              m_rowByField.insert(field, row);
              snapshotForm->addRow(label, row);
              connect(row, &MappingFieldRow::edited, this, &MappingEditor::fieldEdited);
          };
    addSnapshot(kSnapshotsTable, Kind::Expression, tr("Table:"), tr("the table that holds snapshots"));
    addSnapshot(u"snapshots.stream"_s, Kind::Expression, tr("Stream:"), tr("the same names as the events"));
    addSnapshot(u"snapshots.version"_s, Kind::Expression, tr("Version:"), tr("the last event it covers"));
    addSnapshot(u"snapshots.time"_s, Kind::Time, tr("Time:"), tr("optional"));
    addSnapshot(u"snapshots.data"_s, Kind::Payload, tr("State:"), tr("the snapshot's state"));
    addSnapshot(u"snapshots.where"_s, Kind::Expression, tr("Where:"), tr("optional"));
    form->addRow(m_snapshots);
    connect(m_snapshots, &QGroupBox::toggled, this, &MappingEditor::fieldEdited);

    auto* scroll = new QScrollArea;
    scroll->setObjectName(u"fieldsArea"_s);
    scroll->setWidget(fields);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(fontMetrics().horizontalAdvance(u'x') * 58);
    return scroll;
}

QWidget* MappingEditor::createPreviewPane()
{
    auto* pane = new QWidget;
    m_previewStatus = new QLabel(pane);
    m_previewStatus->setObjectName(u"previewStatusLabel"_s);
    m_previewStatus->setWordWrap(true);
    m_previewStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_previewStatus->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    m_previewTable = new QTableWidget(0, 8, pane);
    m_previewTable->setObjectName(u"previewTable"_s);
    m_previewTable->setHorizontalHeaderLabels(
        { tr("Position"), tr("Stream"), tr("Category"), tr("Version"), tr("Type"), tr("Time"), tr("Data"), tr("Id") });
    m_previewTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_previewTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_previewTable->setAlternatingRowColors(true);
    m_previewTable->setWordWrap(false);
    m_previewTable->verticalHeader()->setVisible(false);
    m_previewTable->verticalHeader()->setDefaultSectionSize(fontMetrics().lineSpacing() + 6);
    m_previewTable->horizontalHeader()->setStretchLastSection(true);

    auto* title = new QLabel(tr("Preview: the first %1 events").arg(MappingPreview::kDefaultLimit), pane);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);

    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(m_previewTable, 1);
    layout->addWidget(m_previewStatus);
    return pane;
}

void MappingEditor::showSchema(const QList<TableSchema>& tables)
{
    m_tables.clear();
    m_columns.clear();
    for (const TableSchema& table : tables) {
        const QString name = table.table.qualified();
        m_tables.append(name);
        QStringList columns;
        for (const ColumnInfo& column : table.columns)
            columns.append(column.name);
        m_columns.insert(name, columns);
    }
    const QString count = m_tables.size() == 1 ? tr("1 table") : tr("%1 tables").arg(m_tables.size());
    m_storeLabel->setText(tr("%1 (%2). Pick the events table, then a column or an SQL expression for each field.")
                              .arg(m_location.displayName(), count));
    m_rowByField.value(kEventsTable)->setChoices(m_tables);
    m_rowByField.value(kSnapshotsTable)->setChoices(m_tables);
    updateColumnChoices();
    emit schemaLoaded();
}

void MappingEditor::updateColumnChoices()
{
    for (const QString& section : { u"events."_s, u"snapshots."_s }) {
        const QString table = m_rowByField.value(section + u"table"_s)->expression();
        QStringList columns = m_columns.value(table);
        // SQLite's rowid is no column the catalog lists, and the usual global order of a home-grown table.
        if (!columns.isEmpty() && m_location.kind() == StoreLocation::Kind::SqliteFile)
            columns.append(u"rowid"_s);
        for (MappingFieldRow* row : std::as_const(m_rows)) {
            if (row->field().startsWith(section) && !row->field().endsWith(u".table"_s))
                row->setChoices(columns);
        }
    }
}

void MappingEditor::guessEmptyFields()
{
    const QStringList columns = m_columns.value(m_rowByField.value(kEventsTable)->expression());
    for (const auto& [field, names] : kGuesses) {
        MappingFieldRow* row = m_rowByField.value(u"events."_s + field);
        if (!row->expression().isEmpty())
            continue;
        for (const QString& name : names) {
            if (columns.contains(name)) {
                row->setExpression(name);
                break;
            }
        }
    }
}

StoreMapping MappingEditor::builtMapping() const
{
    const auto row = [this](const QString& field) { return m_rowByField.value(field); };
    StoreMapping mapping = m_base;
    mapping.description = m_name->text().trimmed();
    EventsMapping& e = mapping.events;
    e.table = tableNamed(row(kEventsTable)->expression());
    e.position = row(u"events.position"_s)->expression();
    e.stream = row(u"events.stream"_s)->expression();
    e.category = row(u"events.category"_s)->expression();
    e.version = row(u"events.version"_s)->expression();
    e.type = row(u"events.type"_s)->expression();
    e.time = row(u"events.time"_s)->time();
    e.id = row(u"events.id"_s)->expression();
    e.data = row(u"events.data"_s)->payload();
    e.metadata = row(u"events.metadata"_s)->payload();
    e.where = row(u"events.where"_s)->expression();
    if (m_snapshots->isChecked()) {
        SnapshotsMapping s = m_base.snapshots.value_or(SnapshotsMapping {});
        s.table = tableNamed(row(kSnapshotsTable)->expression());
        s.stream = row(u"snapshots.stream"_s)->expression();
        s.version = row(u"snapshots.version"_s)->expression();
        s.time = row(u"snapshots.time"_s)->time();
        s.data = row(u"snapshots.data"_s)->payload();
        s.where = row(u"snapshots.where"_s)->expression();
        mapping.snapshots = s;
    } else {
        mapping.snapshots.reset();
    }
    return mapping;
}

QString MappingEditor::missingRequired() const
{
    QStringList missing;
    const auto need = [this, &missing](const QString& field, const QString& name) {
        if (m_rowByField.value(field)->expression().isEmpty())
            missing.append(name);
    };
    need(kEventsTable, tr("the events table"));
    need(u"events.position"_s, tr("position"));
    need(u"events.stream"_s, tr("stream"));
    need(u"events.version"_s, tr("version"));
    need(u"events.type"_s, tr("type"));
    if (m_snapshots->isChecked()) {
        need(kSnapshotsTable, tr("the snapshots table"));
        need(u"snapshots.stream"_s, tr("snapshot stream"));
        need(u"snapshots.version"_s, tr("snapshot version"));
        need(u"snapshots.data"_s, tr("snapshot state"));
    }
    return missing.isEmpty() ? QString() : tr("Still needed: %1.").arg(missing.join(u", "_s));
}

Result<StoreMapping> MappingEditor::mapping() const
{
    // Through the file format, so that the editor refuses what a mapping file refuses (a ';', say).
    return MappingFile::fromJson(mappingJson());
}

QByteArray MappingEditor::mappingJson() const
{
    return MappingFile::toJson(builtMapping());
}

void MappingEditor::setMapping(const StoreMapping& mapping)
{
    m_filling = true;
    m_base = mapping;
    const auto row = [this](const QString& field) { return m_rowByField.value(field); };
    const EventsMapping& e = mapping.events;
    m_name->setText(mapping.description);
    row(kEventsTable)->setExpression(e.table.qualified());
    row(u"events.position"_s)->setExpression(e.position);
    row(u"events.stream"_s)->setExpression(e.stream);
    row(u"events.category"_s)->setExpression(e.category);
    row(u"events.version"_s)->setExpression(e.version);
    row(u"events.type"_s)->setExpression(e.type);
    row(u"events.time"_s)->setTime(e.time);
    row(u"events.id"_s)->setExpression(e.id);
    row(u"events.data"_s)->setPayload(e.data);
    row(u"events.metadata"_s)->setPayload(e.metadata);
    row(u"events.where"_s)->setExpression(e.where);
    const SnapshotsMapping s = mapping.snapshots.value_or(SnapshotsMapping {});
    m_snapshots->setChecked(mapping.snapshots.has_value());
    row(kSnapshotsTable)->setExpression(mapping.snapshots ? s.table.qualified() : QString());
    row(u"snapshots.stream"_s)->setExpression(s.stream);
    row(u"snapshots.version"_s)->setExpression(s.version);
    row(u"snapshots.time"_s)->setTime(s.time);
    row(u"snapshots.data"_s)->setPayload(s.data);
    row(u"snapshots.where"_s)->setExpression(s.where);
    m_filling = false;
    updateColumnChoices();
    fieldEdited();
}

Status MappingEditor::setMappingJson(const QByteArray& json)
{
    const auto parsed = MappingFile::fromJson(json);
    if (!parsed)
        return parsed.error();
    setMapping(*parsed);
    return Done {};
}

Status MappingEditor::importFile(const QString& path)
{
    const auto loaded = MappingFile::load(path);
    if (!loaded)
        return loaded.error();
    setMapping(*loaded);
    return Done {};
}

Status MappingEditor::exportFile(const QString& path) const
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(mappingJson()) < 0 || !file.flush())
        return StoreError { StoreError::Kind::Io, tr("Cannot write %1: %2").arg(path, file.errorString()) };
    return Done {};
}

QString MappingEditor::previewMessage() const
{
    return m_previewStatus->text();
}

bool MappingEditor::isPreviewing() const
{
    return m_previewTimer->isActive() || m_preview->isRunning();
}

void MappingEditor::fieldEdited()
{
    if (m_filling)
        return;
    auto* changed = qobject_cast<MappingFieldRow*>(sender());
    if (changed && changed->field().endsWith(u".table"_s)) {
        updateColumnChoices();
        if (changed->field() == kEventsTable)
            guessEmptyFields();
    }
    m_previewTimer->start();
}

void MappingEditor::startPreview()
{
    const QString missing = missingRequired();
    if (!missing.isEmpty()) {
        m_preview->cancel();
        clearFieldErrors();
        m_previewTable->setRowCount(0);
        showPreviewMessage(missing, false);
        return;
    }
    const auto parsed = mapping();
    if (!parsed) {
        m_preview->cancel();
        showPreviewError(parsed.error());
        return;
    }
    showPreviewMessage(tr("Reading…"), false);
    m_preview->request(m_location, m_password, *parsed);
}

void MappingEditor::showPreview(const QList<Event>& events)
{
    clearFieldErrors();
    m_previewTable->setRowCount(int(events.size()));
    for (int row = 0; row < events.size(); ++row) {
        const Event& event = events.at(row);
        const QStringList cells { QString::number(event.position), event.stream, event.category,
            QString::number(event.version), event.type, formatIsoTime(event.timeMs), payloadPreview(event.data, 200),
            event.id };
        for (int column = 0; column < cells.size(); ++column) {
            auto* item = new QTableWidgetItem(cells.at(column));
            if (column == 0 || column == 3)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_previewTable->setItem(row, column, item);
        }
    }
    m_previewTable->resizeColumnsToContents();
    // The payload is what tells whether the mapping reads right: a long id or stream must not push it out of view.
    const int widest = fontMetrics().horizontalAdvance(u'x') * 40;
    for (int column = 0; column < m_previewTable->columnCount() - 1; ++column)
        m_previewTable->setColumnWidth(column, std::min(m_previewTable->columnWidth(column), widest));
    showPreviewMessage(events.isEmpty() ? tr("The mapping reads no events: the table is empty, or the condition "
                                             "matches no row.")
                                        : tr("The mapping reads these events."),
        false);
    emit previewShown(int(events.size()));
}

void MappingEditor::showPreviewError(const StoreError& error)
{
    clearFieldErrors();
    m_previewTable->setRowCount(0);
    if (MappingFieldRow* row = rowForMessage(error.message)) {
        // Beside the field, the message without the field's name it starts with.
        const qsizetype colon = error.message.indexOf(u": "_s);
        row->setError(colon >= 0 ? error.message.mid(colon + 2) : error.message);
    }
    showPreviewMessage(error.message, true);
    emit previewFailed(error.message);
}

void MappingEditor::showPreviewMessage(const QString& text, bool isError)
{
    m_previewStatus->setText(text);
    QPalette palette = this->palette();
    if (isError)
        palette.setColor(QPalette::WindowText, errorColour());
    m_previewStatus->setPalette(palette);
}

void MappingEditor::clearFieldErrors()
{
    for (MappingFieldRow* row : std::as_const(m_rows))
        row->setError({});
}

MappingFieldRow* MappingEditor::rowForMessage(const QString& message) const
{
    // "events.time.unit: ..." belongs to events.time: the longest field the message's subject starts with.
    const QString subject = message.section(u": "_s, 0, 0);
    MappingFieldRow* found = nullptr;
    for (MappingFieldRow* row : m_rows) {
        const QString& field = row->field();
        if ((subject == field || subject.startsWith(field + u'.')) && (!found || field.size() > found->field().size()))
            found = row;
    }
    return found;
}

void MappingEditor::importChosenFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import Mapping"), QString(), tr("Mapping files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    if (const Status imported = importFile(path); !imported)
        showPreviewError(imported.error());
}

void MappingEditor::exportToChosenFile()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Mapping"), u"mapping.json"_s, tr("Mapping files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    if (const Status exported = exportFile(path); !exported)
        showPreviewMessage(exported.error().message, true);
    else
        showPreviewMessage(tr("Exported to %1.").arg(path), false);
}

void MappingEditor::accept()
{
    const QString missing = missingRequired();
    if (!missing.isEmpty()) {
        showPreviewMessage(missing, true);
        return;
    }
    if (const auto parsed = mapping(); !parsed) {
        showPreviewError(parsed.error());
        return;
    }
    QDialog::accept();
}

} // namespace EventScope
