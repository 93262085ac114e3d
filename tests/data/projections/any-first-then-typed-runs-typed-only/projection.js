fromAll().when({
  $any: function (s, e) { s.any = true; },
  A: function (s, e) { s.a = (s.a || 0) + 1; }
});
