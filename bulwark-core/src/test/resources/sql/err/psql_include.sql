-- load the shared functions
   \i functions.sql
