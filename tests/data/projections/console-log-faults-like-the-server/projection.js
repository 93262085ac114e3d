fromAll().when({
  A: function (s, e) {
    console.log('hello');
  }
});
