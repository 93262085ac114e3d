// A body with a comment passes the lenient validation and reaches the handler; the strict parser behind e.body
// then throws, which faults the projection at the line that read it.
fromAll().when({
  $init: function () { return { n: 0 }; },
  $any: function (s, e) {
    s.n += 1;
    s.raw = e.bodyRaw;
    s.amount = e.body.amount;
  }
});
