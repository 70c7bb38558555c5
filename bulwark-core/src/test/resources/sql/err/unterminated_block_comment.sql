SELECT 1;
  /* outer
     /* inner */
  still inside the outer comment;
SELECT 2;
