package migrations

func init() {}
