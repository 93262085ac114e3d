fromCategory('cart')
  .foreachStream()
  .when({
    $init: function () { return { items: 0 }; },
    ItemAdded: function (s, e) { s.items += e.body.quantity; }
  })
  .transformBy(function (s) { return { items: s.items, big: s.items > 2 }; });
