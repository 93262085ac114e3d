// A class with public and private fields: the stored state holds the instance's own properties; the private field
// and the methods (on the prototype) are not own properties, so they are not written.
class Cart {
  items = [];
  #secret = 'never stored';
  static created = 0;
  constructor() { Cart.created += 1; }
  add(sku) { this.items.push(sku); return this; }
  get size() { return this.items.length; }
}
fromCategory('cart').foreachStream().when({
  $init: () => new Cart(),
  ItemAdded: (s, e) => {
    // While the partition stays the same the live Cart is kept; after a switch it comes back as plain data.
    if (s instanceof Cart) s.add(e.body.sku);
    else s.items.push(e.body.sku);
    s.liveClass = s instanceof Cart;
    s.instances = Cart.created;
  }
});
