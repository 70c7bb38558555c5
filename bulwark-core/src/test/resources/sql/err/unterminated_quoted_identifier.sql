SELECT "Weird""Name FROM t;
