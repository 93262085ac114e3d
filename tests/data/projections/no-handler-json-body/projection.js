fromStream('s-1');
