#pragma once

#include <core/dialects/storemapping.h>
#include <core/jobs/storeschemareader.h>
#include <core/store/result.h>
#include <core/store/storelocation.h>

#include <QDialog>
#include <QMap>

class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTimer;

namespace EventScope {

class MappingFieldRow;
class MappingPreview;
struct Event;

// The mapping editor: describes a home-grown events table field by field (docs/mappings.md). It lists the store's
// tables and columns (read on a worker), lets the user pick a column or type an SQL expression for each field,
// and shows the first events read through the mapping as it stands, live: every edit starts a new preview on a
// worker after a short pause, checked exactly as opening the store would check it, and a field the check finds
// wrong says why beside it. Mappings load and save as the JSON of mapping files.
class MappingEditor : public QDialog
{
    Q_OBJECT
public:
    // How long typing must pause before a preview starts: a preview opens the store and reads a page, so one per
    // keystroke would only queue work whose answer is dropped.
    static constexpr int kPreviewDelayMs = 300;

    MappingEditor(StoreLocation location, QString password, QWidget* parent = nullptr);
    ~MappingEditor() override;

    const StoreLocation& location() const { return m_location; }

    // The mapping as the fields say it, read back through MappingFile::fromJson, so it carries the file's checks.
    Result<StoreMapping> mapping() const;
    QByteArray mappingJson() const;
    void setMapping(const StoreMapping& mapping);
    Status setMappingJson(const QByteArray& json);

    Status importFile(const QString& path);
    Status exportFile(const QString& path) const;

    // The preview's state, for tests and the screenshot script: the rows it shows and the message above them.
    QString previewMessage() const;
    bool isPreviewing() const;

signals:
    void schemaLoaded();
    // A preview ended: `rows` events are shown, or `error` says why none are (the message names the field).
    void previewShown(int rows);
    void previewFailed(const QString& error);

private:
    QWidget* createFieldsPane();
    QWidget* createPreviewPane();
    void showSchema(const QList<TableSchema>& tables);
    void updateColumnChoices();
    void guessEmptyFields();
    StoreMapping builtMapping() const;
    QString missingRequired() const;
    void fieldEdited();
    void startPreview();
    void showPreview(const QList<Event>& events);
    void showPreviewError(const StoreError& error);
    void showPreviewMessage(const QString& text, bool isError);
    void clearFieldErrors();
    MappingFieldRow* rowForMessage(const QString& message) const;
    void importChosenFile();
    void exportToChosenFile();
    void accept() override;

    const StoreLocation m_location;
    const QString m_password; // for the editor's own connections only
    StoreMapping m_base; // what the fields do not show (alias, joins, streams) of the mapping last set
    QMap<QString, QStringList> m_columns; // by qualified table name
    QStringList m_tables;
    bool m_filling = false; // setMapping() is filling the fields: one preview at the end, not one per field

    StoreSchemaReader* m_schema = nullptr;
    MappingPreview* m_preview = nullptr;
    QTimer* m_previewTimer = nullptr;

    QLabel* m_storeLabel = nullptr;
    QLineEdit* m_name = nullptr;
    QList<MappingFieldRow*> m_rows; // every field, events first
    QMap<QString, MappingFieldRow*> m_rowByField;
    QGroupBox* m_snapshots = nullptr;
    QLabel* m_previewStatus = nullptr;
    QTableWidget* m_previewTable = nullptr;
    QPushButton* m_importButton = nullptr;
    QPushButton* m_exportButton = nullptr;
    QPushButton* m_okButton = nullptr;
};

} // namespace EventScope
