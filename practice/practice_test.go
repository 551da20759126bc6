package practice_test

import (
	"encoding/json"
	"testing"

	"lontar"
	"lontar/courses"
	"lontar/practice"
)

func f(v float64) *float64 { return &v }

func TestGrade(t *testing.T) {
	price := courses.Practice{Tool: courses.ToolPrice, ID: "harga", FeePercent: f(10), FixedFee: f(1250), Margin: f(25)}
	cash := courses.Practice{Tool: courses.ToolCashbook, ID: "kas", Opening: 500000, Rows: []courses.CashRow{
		{Text: "Jual 4 bungkus", In: 400000}, {Text: "Beli es", Out: 20000}, {Text: "Ojek", Out: 30000}}}
	listing := courses.Practice{Tool: courses.ToolListing, ID: "judul", Keywords: []string{"sei"}, Origins: []string{"kupang"}}
	tests := []struct {
		name       string
		block      courses.Practice
		answers    string
		wantScore  float64
		wantPassed bool
		wantErr    bool
	}{
		// The lesson's worked example: HPP 75,000, 25% margin, 10% + Rp1,250 → Rp118,000.
		{"price right", price, `{"batch":1800000,"units":24,"ship":0,"margin":25,"fee":10,"fixed":1250,"guess":118000}`, 100, true, false},
		{"price unrounded", price, `{"batch":1800000,"units":24,"ship":0,"margin":25,"fee":10,"fixed":1250,"guess":117308}`, 100, true, false},
		{"price forgot fees", price, `{"batch":1800000,"units":24,"ship":0,"margin":25,"fee":10,"fixed":1250,"guess":100000}`, 0, false, false},
		{"price with shipping", price, `{"batch":1000000,"units":20,"ship":5000,"margin":20,"fee":10,"fixed":0,"guess":79000}`, 100, true, false},
		{"price no units", price, `{"batch":1000000,"units":0,"margin":20,"fee":10,"guess":1}`, 0, false, true},
		{"price impossible margin", price, `{"batch":1000,"units":1,"margin":60,"fee":40,"guess":1}`, 0, false, true},
		{"cash all right", cash, `{"balances":[900000,880000,850000]}`, 100, true, false},
		{"cash one wrong", cash, `{"balances":[900000,880000,870000]}`, 67, false, false},
		{"cash wrong length", cash, `{"balances":[900000]}`, 0, false, true},
		{"listing good", listing, `{"title":"Sei Sapi Asap Kosambi Khas Kupang 250 gram","description":"Bahan daging sapi. Berat 250 gram. Simpan di kulkas. Dikirim 1-2 hari kerja. Dibuat oleh Mama Ina."}`, 100, true, false},
		{"listing shouting", listing, `{"title":"SEI ENAK MURAH!!!","description":""}`, 10, false, false},
		{"listing not json", listing, `"sei"`, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, passed, err := practice.Grade(tt.block, json.RawMessage(tt.answers))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				if lontar.ErrorCode(err) != lontar.EInvalid {
					t.Fatalf("want an invalid error, got %v", err)
				}
				return
			}
			if score != tt.wantScore || passed != tt.wantPassed {
				t.Fatalf("got %v %v, want %v %v", score, passed, tt.wantScore, tt.wantPassed)
			}
		})
	}
}
