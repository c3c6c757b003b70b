package port

// Request is a port request as the wizard submits it (CONTRACT §3). Strings are kept
// as the customer typed them; validation normalizes copies, never the originals.
type Request struct {
	CarrierName             string     `json:"carrier_name"`
	Customer                Customer   `json:"customer"`
	BillingAddress          Address    `json:"billing_address"`
	Numbers                 []Number   `json:"numbers"`
	Signer                  Signer     `json:"signer"`
	Agreements              Agreements `json:"agreements"`
	AccountReceivingNumbers []string   `json:"account_receiving_numbers,omitempty"`
	// BTN is the account's billing telephone number, when the customer knows it: in
	// a partial port the losing carrier must be told whether it goes or stays.
	BTN string `json:"btn,omitempty"`
}

// Customer is the account holder as the losing carrier knows them.
type Customer struct {
	FirstName     string `json:"first_name"`
	LastName      string `json:"last_name"`
	BusinessName  string `json:"business_name"`
	AccountNumber string `json:"account_number"`
	AccountPIN    string `json:"account_pin"`
}

// Number is one number to port and where its calls go meanwhile.
type Number struct {
	Number          string `json:"number"`
	ReceivingNumber string `json:"receiving_number"`
	TrackingSource  string `json:"tracking_source"`
}

// Signer is the person who owns the numbers and signs the LOA.
type Signer struct {
	FullName string `json:"full_name"`
	Email    string `json:"email"`
}

// Agreements are the boxes the customer ticked; both must be true before an LOA goes out.
type Agreements struct {
	AuthorizePort bool `json:"authorize_port"`
	Terms         bool `json:"terms"`
}
