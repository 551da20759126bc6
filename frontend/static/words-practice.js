// The dictionary's section for the practice tools in lessons, imported
// by practice.js only.
import { addWords } from '/i18n.js';

addWords({
  id: {
    pr_price_title: 'Kalkulator harga', pr_batch: 'Biaya satu batch (Rp)', pr_units: 'Jumlah barang jadi', pr_ship: 'Kemasan dan ongkir per barang (Rp)',
    pr_margin: 'Margin yang Anda mau (%)', pr_fee: 'Potongan marketplace (%)', pr_fixed: 'Biaya tetap per pesanan (Rp)',
    pr_guess: 'Harga jual menurut hitungan Anda (Rp)', pr_check: 'Cek', pr_hpp: 'HPP per barang', pr_cost: 'Modal per barang (HPP + kemasan/ongkir)',
    pr_price: 'Harga jual (dibulatkan ke atas ke ribuan)', pr_fees: 'Potongan marketplace', pr_net: 'Uang yang diterima', pr_profit: 'Laba per barang',
    pr_got: 'Margin tercapai', pr_right: 'Tepat! Hitungan Anda benar.', pr_wrong: 'Belum tepat. Lihat langkah hitungannya di bawah, lalu coba lagi.',
    pr_formula: 'Harga = (modal + biaya tetap) ÷ (1 − margin − potongan)', pr_need: 'Isi semua angka. Jumlah barang jadi harus lebih dari 0.',
    pr_too_high: 'Margin + potongan harus di bawah 95%.',
    pr_cash_title: 'Latihan buku kas', pr_day: 'Hari', pr_what: 'Keterangan', pr_in: 'Masuk', pr_out: 'Keluar', pr_balance: 'Saldo', pr_opening: 'Saldo awal',
    pr_cash_ok: 'Semua saldo cocok. Buku kas Anda benar!', pr_cash_bad: 'baris belum cocok. Ingat: saldo baru = saldo sebelumnya + masuk − keluar.',
    pr_list_title: 'Periksa judul dan deskripsi', pr_title: 'Judul produk', pr_desc: 'Deskripsi',
    pr_r_type: 'Judul menyebut jenis produk', pr_r_origin: 'Judul menyebut asal (misalnya NTT, Kupang)', pr_r_size: 'Judul menyebut ukuran atau berat',
    pr_r_words: 'Judul memuat ciri (minimal 4 kata)', pr_r_calm: 'Tanpa huruf kapital semua dan tanpa tanda seru berulang',
    pr_r_material: 'Deskripsi menyebut bahan', pr_r_dsize: 'Deskripsi menyebut ukuran atau berat', pr_r_care: 'Deskripsi menyebut cara merawat atau menyimpan',
    pr_r_ship: 'Deskripsi menyebut waktu proses atau pengiriman', pr_r_story: 'Deskripsi bercerita singkat tentang pembuatnya',
    pr_score: 'Nilai', pr_saved: 'Hasil tersimpan di HP dan dikirim saat ada sinyal.', pr_offline_tool: 'Alat latihan ini perlu dimuat sekali saat ada sinyal.',
  },
  en: {
    pr_price_title: 'Price calculator', pr_batch: 'Cost of one batch (Rp)', pr_units: 'Items the batch makes', pr_ship: 'Packing and shipping per item (Rp)',
    pr_margin: 'Margin you want (%)', pr_fee: 'Marketplace fees (%)', pr_fixed: 'Fixed fee per order (Rp)',
    pr_guess: 'Your selling price (Rp)', pr_check: 'Check', pr_hpp: 'HPP per item', pr_cost: 'Cost per item (HPP + packing/shipping)',
    pr_price: 'Selling price (rounded up to the thousand)', pr_fees: 'Marketplace fees', pr_net: 'Money received', pr_profit: 'Profit per item',
    pr_got: 'Margin achieved', pr_right: 'Right! Your working is correct.', pr_wrong: 'Not yet. See the working below, then try again.',
    pr_formula: 'Price = (cost + fixed fee) ÷ (1 − margin − fees)', pr_need: 'Fill in every number. Items per batch must be more than 0.',
    pr_too_high: 'Margin + fees must stay under 95%.',
    pr_cash_title: 'Cash-book practice', pr_day: 'Day', pr_what: 'Description', pr_in: 'In', pr_out: 'Out', pr_balance: 'Balance', pr_opening: 'Opening balance',
    pr_cash_ok: 'Every balance matches. Your cash book is right!', pr_cash_bad: 'rows do not match yet. Remember: new balance = previous balance + in − out.',
    pr_list_title: 'Check a title and description', pr_title: 'Product title', pr_desc: 'Description',
    pr_r_type: 'The title names the product type', pr_r_origin: 'The title names the origin (e.g. NTT, Kupang)', pr_r_size: 'The title gives a size or weight',
    pr_r_words: 'The title has a feature (at least 4 words)', pr_r_calm: 'No all-capitals and no repeated exclamation marks',
    pr_r_material: 'The description names the materials', pr_r_dsize: 'The description gives a size or weight', pr_r_care: 'The description says how to care for or store it',
    pr_r_ship: 'The description gives processing or shipping time', pr_r_story: 'The description tells a little about the maker',
    pr_score: 'Score', pr_saved: 'Result saved on the phone and sent when there is signal.', pr_offline_tool: 'This exercise needs signal once to load.',
  },
});
