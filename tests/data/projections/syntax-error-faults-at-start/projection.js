fromAll().when({
  A: function (s, e) { s.n = ; }
});
