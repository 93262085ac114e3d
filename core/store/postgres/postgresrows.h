#pragma once

#include "../sqlrows.h"

typedef struct pg_result PGresult;

namespace EventScope {

class PostgresConnection;

// The rows of one PostgreSQL query, read in single-row mode (each next() holds one row's PGresult), or as one
// result when the query says it returns few rows (SqlQuery::rowLimit).
// Values arrive in text format and the accessors convert them by the column's type, as sqlrows.h says:
// booleans read as 0/1, bytea is decoded to its bytes, json/jsonb/uuid read as their text.
class PostgresRows final : public SqlRows
{
public:
    explicit PostgresRows(PostgresConnection* connection);
    ~PostgresRows() override;

    Result<bool> next() override;

    int columnCount() const override;
    bool isNull(int column) const override;
    qint64 int64(int column) const override;
    double real(int column) const override;
    QString text(int column) const override;
    QByteArray bytes(int column) const override;
    std::optional<QByteArrayView> utf8(int column) const override;
    std::optional<QByteArrayView> bytesView(int column) const override;

private:
    friend class PostgresConnection;

    // The connection calls these when a newer query (or the connection's end) takes the session away.
    void detach(const StoreError& why);
    void finish();
    void setRow(PGresult* row);

    PostgresConnection* m_connection = nullptr;
    PGresult* m_row = nullptr;
    int m_index = 0; // the current row of m_row: always 0 in single-row mode
    int m_columns = 0;
    bool m_done = false;
    StoreError m_error;
    bool m_failed = false;
};

} // namespace EventScope
