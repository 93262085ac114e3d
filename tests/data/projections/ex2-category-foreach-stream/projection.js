fromCategory('order')
  .foreachStream()
  .when({
    $init: function () { return { lines: 0, total: 0 }; },
    LineAdded: function (s, e) { s.lines += 1; s.total += e.body.price * e.body.qty; },
    OrderSubmitted: function (s, e) { s.submitted = e.created; }
  });
