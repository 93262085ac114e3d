fromCategory('order').when({
  Placed: function (s, e) {
    emit('shipping-' + e.body.id, 'ShipmentRequested', { order: e.body.id }, { priority: 'high', skip: undefined });
    linkTo('all-placed', e, { note: 'n', count: 2 });
    linkStreamTo('streams', e.streamId);
    copyTo('copies', e);
  }
});
