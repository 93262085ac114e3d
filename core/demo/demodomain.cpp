#include "demodomain.h"

#include <algorithm>
#include <charconv>

namespace EventScope::Demo {

namespace {

// A tiny JSON writer: the generator makes millions of small documents, so no DOM and no allocation per field.
class Json
{
public:
    Json& open()
    {
        m_text += '{';
        m_first = true;
        return *this;
    }
    Json& close()
    {
        m_text += '}';
        m_first = false;
        return *this;
    }
    Json& key(const char* name)
    {
        if (!m_first)
            m_text += ',';
        m_first = false;
        m_text += '"';
        m_text += name;
        m_text += "\":";
        return *this;
    }
    Json& str(const char* name, std::string_view value)
    {
        key(name);
        quoted(value);
        return *this;
    }
    Json& num(const char* name, qint64 value)
    {
        key(name);
        number(value);
        return *this;
    }
    Json& boolean(const char* name, bool value)
    {
        key(name);
        m_text += value ? "true" : "false";
        return *this;
    }
    Json& null(const char* name)
    {
        key(name);
        m_text += "null";
        return *this;
    }
    Json& raw(const char* name, std::string_view json)
    {
        key(name);
        m_text += json;
        return *this;
    }
    void quoted(std::string_view value)
    {
        m_text += '"';
        for (const char c : value) {
            if (c == '"' || c == '\\')
                m_text += '\\';
            m_text += c;
        }
        m_text += '"';
    }
    void number(qint64 value)
    {
        char buffer[24];
        const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
        m_text.append(buffer, end);
    }
    std::string take() { return std::move(m_text); }

private:
    std::string m_text;
    bool m_first = true;
};

constexpr const char* kCustomerNames[] = {
    "Ada Lovelace",
    "Zoë Ångström",
    "山田 太郎",
    "José Müller",
    "Łukasz Żółć",
    "Olamide Adeyemi",
    "Søren Kierkegaard",
    "Chloé Lefèvre",
    "Ίρις Παππά",
    "Иван Петров",
    "李小龍",
    "Ngozi 🌻 Okafor",
    "Mårten Ström",
    "Priya Raman",
};
constexpr const char* kCities[]
    = { "Lisboa", "Zürich", "København", "東京", "São Paulo", "Kraków", "Reykjavík", "Nairobi" };
constexpr const char* kProducts[] = { "espresso beans", "pour-over kettle", "ceramic mug", "grinder", "paper filters",
    "oat milk", "scale", "tamper", "travel cup", "descaler" };
constexpr const char* kTags[] = { "vip", "newsletter", "wholesale", "beta", "student" };

const char* customerName(int number)
{
    return kCustomerNames[number % std::size(kCustomerNames)];
}

std::string amountReference(Random& random)
{
    static const char* const kinds[] = { "salary", "transfer", "refund", "atm", "card", "rent", "invoice" };
    return std::string(kinds[random.below(std::size(kinds))]) + "-" + std::to_string(random.between(1000, 99999));
}

std::string tagsJson(int mask)
{
    std::string json = "[";
    for (int i = 0; i < int(std::size(kTags)); ++i) {
        if (mask & (1 << i)) {
            if (json.size() > 1)
                json += ',';
            json += '"';
            json += kTags[i];
            json += '"';
        }
    }
    return json + "]";
}

GeneratedEvent accountEvent(Aggregate& a, Random& random, bool last)
{
    Json json;
    json.open();
    if (a.version == 1) {
        json.str("accountId", a.stream)
            .str("owner", customerName(a.number))
            .str("currency", "EUR")
            .num("overdraftLimitCents", 0)
            .close();
        return { "AccountOpened", json.take() };
    }
    if (last && a.number % 7 == 0) {
        a.status = "closed";
        json.num("finalBalanceCents", a.balanceCents).close();
        return { "AccountClosed", json.take() };
    }
    const qint64 roll = random.below(100);
    if (roll < 8) {
        const qint64 previous = a.overdraftLimitCents;
        a.overdraftLimitCents = random.below(11) * 10000;
        json.num("limitCents", a.overdraftLimitCents).num("previousLimitCents", previous).close();
        return { "OverdraftLimitChanged", json.take() };
    }
    const qint64 amount = random.between(1, 5000) * 10;
    if (roll < 55) {
        a.balanceCents += amount;
        ++a.transactions;
        json.num("amountCents", amount).str("reference", amountReference(random)).close();
        return { "FundsDeposited", json.take() };
    }
    if (a.balanceCents - amount < -a.overdraftLimitCents) {
        json.num("amountCents", amount).num("balanceCents", a.balanceCents).str("reason", "insufficient funds").close();
        return { "WithdrawalDeclined", json.take() };
    }
    a.balanceCents -= amount;
    ++a.transactions;
    json.num("amountCents", amount).str("reference", amountReference(random)).close();
    return { "FundsWithdrawn", json.take() };
}

GeneratedEvent cartEvent(Aggregate& a, Random& random, bool last)
{
    Json json;
    json.open();
    if (a.version == 1) {
        json.str("cartId", a.stream).str("customerId", streamNameFor(Kind::Customer, a.customerNumber)).close();
        return { "CartCreated", json.take() };
    }
    if (last) {
        if (!a.lines.empty() && random.chance(75)) {
            a.status = "confirmed";
            json.num("totalCents", cartTotalCents(a)).num("lines", qint64(a.lines.size())).close();
            return { "CartConfirmed", json.take() };
        }
        a.status = "cancelled";
        if (random.chance(50))
            json.null("reason");
        else
            json.str("reason", "timeout");
        json.close();
        return { "CartCancelled", json.take() };
    }
    const qint64 roll = random.below(100);
    if (roll < 10 && !a.lines.empty()) {
        const size_t index = size_t(random.below(qint64(a.lines.size())));
        const int sku = a.lines[index].sku;
        a.lines.erase(a.lines.begin() + qsizetype(index));
        json.str("sku", "SKU-" + std::to_string(sku)).close();
        return { "ItemRemoved", json.take() };
    }
    if (roll < 25 && !a.lines.empty()) {
        CartLine& line = a.lines[size_t(random.below(qint64(a.lines.size())))];
        line.quantity = int(random.between(1, 9));
        json.str("sku", "SKU-" + std::to_string(line.sku)).num("quantity", line.quantity).close();
        return { "QuantityChanged", json.take() };
    }
    if (roll < 32) {
        a.discountPercent = int(random.between(0, 6)) * 5;
        json.str("code", a.discountPercent == 0 ? "NONE" : "SAVE" + std::to_string(a.discountPercent))
            .num("percent", a.discountPercent)
            .close();
        return { "DiscountApplied", json.take() };
    }
    const int sku = int(random.between(100, 149));
    const auto existing
        = std::find_if(a.lines.begin(), a.lines.end(), [sku](const CartLine& l) { return l.sku == sku; });
    const int quantity = int(random.between(1, 3));
    const int price = (sku % 40 + 1) * 125;
    if (existing != a.lines.end())
        existing->quantity += quantity;
    else
        a.lines.push_back({ sku, quantity, price });
    json.str("sku", "SKU-" + std::to_string(sku))
        .str("name", kProducts[sku % std::size(kProducts)])
        .num("quantity", quantity)
        .num("unitPriceCents", price)
        .close();
    return { "ItemAdded", json.take() };
}

GeneratedEvent customerEvent(Aggregate& a, Random& random)
{
    Json json;
    json.open();
    if (a.version == 1) {
        a.email = "customer" + std::to_string(a.number) + "@example.com";
        json.str("customerId", a.stream)
            .str("name", customerName(a.number))
            .null("middleName")
            .str("email", a.email)
            .raw("tags", "[]")
            .close();
        return { "CustomerRegistered", json.take() };
    }
    const qint64 roll = random.below(100);
    if (roll < 30) {
        a.email = "c" + std::to_string(a.number) + "." + std::to_string(a.version) + "@example.org";
        json.str("email", a.email).close();
        return { "EmailChanged", json.take() };
    }
    if (roll < 60) {
        a.city = kCities[random.below(std::size(kCities))];
        Json address;
        address.open().str("street", std::to_string(random.between(1, 300)) + " Main Street").str("city", a.city);
        address.null("region").str("postalCode", std::to_string(random.between(10000, 99999))).close();
        json.raw("address", address.take()).close();
        return { "AddressChanged", json.take() };
    }
    if (roll < 80) {
        a.tags = int(random.below(32));
        json.raw("tags", tagsJson(a.tags)).close();
        return { "TagsChanged", json.take() };
    }
    a.consent = !a.consent;
    json.boolean("consent", a.consent).close();
    return { "MarketingConsentChanged", json.take() };
}

} // namespace

Uuid makeUuid(Random& random)
{
    Uuid id;
    const quint64 high = random.next(), low = random.next();
    for (int i = 0; i < 8; ++i) {
        id[size_t(i)] = uchar(high >> (56 - 8 * i));
        id[size_t(8 + i)] = uchar(low >> (56 - 8 * i));
    }
    id[6] = uchar((id[6] & 0x0f) | 0x40); // version 4
    id[8] = uchar((id[8] & 0x3f) | 0x80); // RFC 4122 variant
    return id;
}

void appendUuidText(std::string& out, const Uuid& id)
{
    static const char digits[] = "0123456789abcdef";
    char text[36];
    char* p = text;
    for (size_t i = 0; i < id.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = digits[id[i] >> 4];
        *p++ = digits[id[i] & 0xf];
    }
    out.append(text, sizeof text);
}

std::string uuidText(const Uuid& id)
{
    std::string text;
    appendUuidText(text, id);
    return text;
}

const char* kindName(Kind kind)
{
    switch (kind) {
    case Kind::Account:
        return "account";
    case Kind::Cart:
        return "cart";
    case Kind::Customer:
        return "customer";
    }
    return "";
}

std::string streamNameFor(Kind kind, int number)
{
    switch (kind) {
    case Kind::Account:
        return "account-" + std::to_string(number);
    case Kind::Cart:
        // A few carts carry an emoji, so that stream names are not all ASCII.
        return number % 101 == 7 ? "cart-🛒" + std::to_string(number) : "cart-" + std::to_string(number);
    case Kind::Customer:
        if (number % 53 == 1) {
            // Unicode names (accents, CJK, emoji) as some systems use them for stream ids.
            std::string name = customerName(number);
            std::replace(name.begin(), name.end(), ' ', '_');
            return "customer-" + name + "-" + std::to_string(number);
        }
        return "customer-" + std::to_string(number);
    }
    return {};
}

GeneratedEvent nextEvent(Aggregate& aggregate, Random& random, bool last)
{
    ++aggregate.version;
    switch (aggregate.kind) {
    case Kind::Account:
        return accountEvent(aggregate, random, last);
    case Kind::Cart:
        return cartEvent(aggregate, random, last);
    case Kind::Customer:
        return customerEvent(aggregate, random);
    }
    return {};
}

GeneratedEvent paymentFor(Aggregate& account, qint64 amountCents, int cartNumber)
{
    ++account.version;
    account.balanceCents -= amountCents;
    ++account.transactions;
    Json json;
    json.open().num("amountCents", amountCents).str("reference", "cart-" + std::to_string(cartNumber)).close();
    return { "FundsWithdrawn", json.take() };
}

GeneratedEvent largeDocumentEvent(Aggregate& customer)
{
    ++customer.version;
    // About 100 KB: a scanned contract's OCR text, as real systems sometimes put into events.
    std::string text;
    static const char sentence[] = "The customer agrees to the terms of service, version 7, clause by clause. ";
    while (text.size() < 100'000)
        text += sentence;
    Json json;
    json.open().str("documentId", "doc-" + std::to_string(customer.number)).str("fileName", "contract.txt");
    json.raw("pages", "[1,2,3,4,5,6,7,8,9,10,11,12]").str("text", text).close();
    return { "DocumentAttached", json.take() };
}

GeneratedEvent binarySignatureEvent(Aggregate& customer, Random& random)
{
    ++customer.version;
    // Not JSON and not UTF-8: a PNG header followed by bytes, as a binary serializer would store it.
    std::string bytes = "\x89PNG\r\n\x1a\n";
    bytes.push_back('\0');
    while (bytes.size() < 600)
        bytes.push_back(char(random.next() & 0xff));
    return { "SignatureCaptured", bytes };
}

qint64 cartTotalCents(const Aggregate& cart)
{
    qint64 subtotal = 0;
    for (const CartLine& line : cart.lines)
        subtotal += qint64(line.quantity) * line.unitPriceCents;
    return subtotal - subtotal * cart.discountPercent / 100;
}

std::string stateJson(const Aggregate& a)
{
    Json json;
    json.open();
    switch (a.kind) {
    case Kind::Account:
        json.num("balanceCents", a.balanceCents).num("overdraftLimitCents", a.overdraftLimitCents);
        json.num("transactions", a.transactions).str("status", a.status);
        break;
    case Kind::Cart: {
        std::string items = "{";
        for (const CartLine& line : a.lines) {
            if (items.size() > 1)
                items += ',';
            items += "\"SKU-" + std::to_string(line.sku) + "\":" + std::to_string(line.quantity);
        }
        items += '}';
        json.str("status", a.status)
            .raw("items", items)
            .num("discountPercent", a.discountPercent)
            .num("totalCents", cartTotalCents(a));
        break;
    }
    case Kind::Customer:
        json.str("email", a.email);
        if (a.city.empty())
            json.null("city");
        else
            json.str("city", a.city);
        json.raw("tags", tagsJson(a.tags)).boolean("consent", a.consent);
        break;
    }
    json.close();
    return json.take();
}

} // namespace EventScope::Demo
