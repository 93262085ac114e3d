// Demo store: the cart fold as { init, apply }: items (quantity per SKU), prices, discount, total in cents.
function total(s) {
  var subtotal = 0;
  for (var sku in s.items) subtotal += s.items[sku] * s.unitPriceCents[sku];
  return subtotal - Math.floor(subtotal * s.discountPercent / 100);
}

({
  init: function () {
    return { customerId: null, status: 'new', items: {}, unitPriceCents: {}, discountPercent: 0, totalCents: 0 };
  },
  apply: function (s, event) {
    var d = event.data;
    switch (event.eventType) {
      case 'CartCreated': s.customerId = d.customerId; s.status = 'open'; break;
      case 'ItemAdded':
        s.items[d.sku] = (s.items[d.sku] || 0) + d.quantity;
        s.unitPriceCents[d.sku] = d.unitPriceCents;
        break;
      case 'QuantityChanged': s.items[d.sku] = d.quantity; break;
      case 'ItemRemoved': delete s.items[d.sku]; delete s.unitPriceCents[d.sku]; break;
      case 'DiscountApplied': s.discountPercent = d.percent; break;
      case 'CartConfirmed': s.status = 'confirmed'; break;
      case 'CartCancelled': s.status = 'cancelled'; break;
    }
    s.totalCents = total(s);
    return s;
  }
});
