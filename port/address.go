package port

// Address is a US postal address as printed or typed. Fields hold the text as given;
// comparison folds it (see address comparison in this package).
type Address struct {
	Street  string `json:"street"`
	Street2 string `json:"street2"`
	City    string `json:"city"`
	State   string `json:"state"`
	ZIP     string `json:"zip"`
}
