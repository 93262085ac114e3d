fromAll().when({
  Deep: function (s, e) {
    function down(n) {
      return down(n + 1) + 1;
    }
    s.depth = down(0);
  },
  Count: function (s, e) { s.n = (s.n || 0) + 1; }
});
