// The shared state now also counts checkouts; the per-cart states are the same.
fromCategory('cart')
  .foreachStream()
  .when({
    $init: () => ({ items: 0 }),
    $initShared: () => ({ carts: 0, checkedOut: 0 }),
    CartCreated: (s, e) => { s[1].carts += 1; },
    ItemAdded: (s, e) => { s[0].items += 1; },
    CartCheckedOut: (s, e) => { s[1].checkedOut += 1; },
  });
