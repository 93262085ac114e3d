#pragma once

#include <QtGlobal>
#include <array>
#include <string>
#include <vector>

namespace EventScope::Demo {

// Deterministic pseudo-random numbers (SplitMix64): the same seed gives the same store on every machine.
class Random
{
public:
    explicit Random(quint64 seed)
        : m_state(seed)
    { }
    quint64 next()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    qint64 below(qint64 bound) { return qint64(next() % quint64(bound)); }
    qint64 between(qint64 low, qint64 high) { return low + below(high - low + 1); }
    bool chance(int percent) { return below(100) < percent; }

private:
    quint64 m_state;
};

using Uuid = std::array<uchar, 16>;
Uuid makeUuid(Random& random);
std::string uuidText(const Uuid& id);
void appendUuidText(std::string& out, const Uuid& id); // the generator's hot path: no temporary

enum class Kind : uchar { Account, Cart, Customer };

struct CartLine
{
    int sku = 0;
    int quantity = 0;
    int unitPriceCents = 0;
};

// One aggregate of the demo domain: its identity, its state as the events leave it, and its plan.
struct Aggregate
{
    Kind kind = Kind::Account;
    int number = 0; // account-<number>, cart-<number>, customer-<number>
    std::string stream;
    qint64 streamId = 0;
    qint64 version = 0;
    qint64 budget = 0; // events it will get before it leaves the active set
    qint64 lastTimeMs = 0;
    Uuid firstEventId {};
    Uuid lastEventId {};

    // account
    qint64 balanceCents = 0;
    qint64 overdraftLimitCents = 0;
    int transactions = 0;
    // cart
    std::vector<CartLine> lines;
    int discountPercent = 0;
    int customerNumber = 0;
    // customer
    std::string email;
    std::string city;
    bool consent = false;
    int tags = 0;
    // account and cart: "open", "confirmed", "cancelled", "closed"
    const char* status = "open";
};

struct GeneratedEvent
{
    std::string type;
    std::string data; // usually JSON; once, on purpose, binary bytes
};

std::string streamNameFor(Kind kind, int number);
const char* kindName(Kind kind); // also the stream's category

// The next event of `aggregate` (its first is always the creation event); updates the state.
GeneratedEvent nextEvent(Aggregate& aggregate, Random& random, bool last);
GeneratedEvent paymentFor(Aggregate& account, qint64 amountCents, int cartNumber);
GeneratedEvent largeDocumentEvent(Aggregate& customer);
GeneratedEvent binarySignatureEvent(Aggregate& customer, Random& random);

// The aggregate's state as JSON, as a snapshot of it would hold it.
std::string stateJson(const Aggregate& aggregate);
qint64 cartTotalCents(const Aggregate& cart);

} // namespace EventScope::Demo
