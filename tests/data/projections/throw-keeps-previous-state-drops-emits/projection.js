fromStream('acc-1').when({
  $init: function () { return { total: 0 }; },
  Paid: function (s, e) {
    log('paying ' + e.body.amount);
    emit('audit-1', 'Checked', { amount: e.body.amount });
    if (e.body.amount < 0) throw new Error('negative amount');
    s.total += e.body.amount;
  }
});
