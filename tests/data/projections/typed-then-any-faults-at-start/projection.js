fromAll().when({
  A: function (s, e) { s.a = 1; },
  $any: function (s, e) { s.any = true; }
});
