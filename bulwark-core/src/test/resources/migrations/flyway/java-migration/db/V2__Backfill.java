package db.migration;

public class V2__Backfill {}
