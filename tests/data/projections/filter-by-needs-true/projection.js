fromCategory('n')
  .foreachStream()
  .when({
    $init: function () { return { v: 0 }; },
    Set: function (s, e) { s.v = e.body.v; }
  })
  .filterBy(function (s) { return s.v === 2 ? true : s.v; });
