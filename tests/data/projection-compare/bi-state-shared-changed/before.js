fromCategory('cart')
  .foreachStream()
  .when({
    $init: () => ({ items: 0 }),
    $initShared: () => ({ carts: 0 }),
    CartCreated: (s, e) => { s[1].carts += 1; },
    ItemAdded: (s, e) => { s[0].items += 1; },
  });
