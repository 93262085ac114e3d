#include "storemapping.h"

#include <zlib.h>

namespace EventScope {

namespace {

// zlib (windowBits 15) or gzip (31) inflate; nullopt when the stream is not valid.
std::optional<QByteArray> inflate(const QByteArray& compressed, int windowBits)
{
    z_stream stream {};
    if (inflateInit2(&stream, windowBits) != Z_OK)
        return std::nullopt;
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.constData()));
    stream.avail_in = uInt(compressed.size());
    QByteArray out;
    char buffer[16384];
    int rc = Z_OK;
    while (rc == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        rc = ::inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, qsizetype(sizeof buffer - stream.avail_out));
        if (rc == Z_BUF_ERROR && stream.avail_in == 0)
            break; // truncated input
    }
    inflateEnd(&stream);
    if (rc != Z_STREAM_END)
        return std::nullopt;
    return out;
}

} // namespace

QByteArray unwrapPayload(const QByteArray& stored, PayloadEncoding encoding)
{
    switch (encoding) {
    case PayloadEncoding::Json:
    case PayloadEncoding::Text:
    case PayloadEncoding::Bytes:
        return stored;
    case PayloadEncoding::Base64: {
        const auto decoded = QByteArray::fromBase64Encoding(stored.trimmed(), QByteArray::AbortOnBase64DecodingErrors);
        return decoded ? *decoded : stored;
    }
    case PayloadEncoding::Zlib:
        return inflate(stored, 15).value_or(stored);
    case PayloadEncoding::Gzip:
        return inflate(stored, 31).value_or(stored);
    }
    return stored;
}

} // namespace EventScope
