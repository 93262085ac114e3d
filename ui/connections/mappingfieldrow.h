#pragma once

#include <core/dialects/storemapping.h>

#include <QWidget>

class QComboBox;
class QLabel;

namespace EventScope {

// One field of a mapping in the mapping editor: a column picked from a list or an SQL expression typed over the
// row, the time unit or payload encoding when the field has one, and the error the last check found in it. Its
// children are named after the field as the mapping file names it ("events.time/expression", "events.time/unit",
// "events.time/error"), so that a message naming the field finds its row.
class MappingFieldRow : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { Expression, Time, Payload };

    MappingFieldRow(QString field, Kind kind, const QString& placeholder, QWidget* parent = nullptr);

    const QString& field() const { return m_field; }

    QString expression() const;
    void setExpression(const QString& expression);
    // The choices offered; what was typed stays.
    void setChoices(const QStringList& choices);

    TimeField time() const;
    void setTime(const TimeField& time);
    PayloadField payload() const;
    void setPayload(const PayloadField& payload);

    QString error() const;
    void setError(const QString& error);

signals:
    void edited();

private:
    QString m_field;
    QComboBox* m_expression = nullptr;
    QComboBox* m_unit = nullptr; // Kind::Time only
    QComboBox* m_encoding = nullptr; // Kind::Payload only
    QLabel* m_error = nullptr;
};

} // namespace EventScope
