var total = 0;
