CREATE TABLE not_a_changelog (id int);
