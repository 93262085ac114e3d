fromAll().when({
  Spin: function (s, e) {
    while (true) {}
  },
  Count: function (s, e) { s.n = (s.n || 0) + 1; }
});
