-- This migration intentionally does nothing.
/*
   Nested /* block */ comments are fine;
*/
;
;
