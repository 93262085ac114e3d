fromAll().when({
  A: function (s, e) {
    console.log('hello', 42, { k: 1 });
    s.ok = true;
  }
});
