// The shared state now also counts confirmed carts; the per-cart states are the same.
fromCategory('cart')
  .foreachStream()
  .when({
    $init: () => ({ items: 0 }),
    $initShared: () => ({ carts: 0, confirmed: 0 }),
    CartCreated: (s, e) => { s[1].carts += 1; },
    ItemAdded: (s, e) => { s[0].items += 1; },
    CartConfirmed: (s, e) => { s[1].confirmed += 1; },
  });
