// Tarif's page for exporters: plain JavaScript over the JSON API (/v1/...), no framework.
"use strict";

const TEXT = {
  en: {
    title: "What does my product pay?",
    lead: "Find the duty on your product in a market, every treatment with its legal basis, and the proof of origin a preference needs.",
    market: "Market (importing country)", origin: "Origin of the goods", product: "Product: words or a tariff code",
    productHelp: "For example “cotton t-shirts”, “kemeja”, “rice” or 6109.10.", search: "Search",
    pick: "Pick the line that describes your product", date: "Date of import",
    value: "Value of the goods", resolve: "Find the duty",
    consignment: "The consignment (optional: the duty in money and everything paid at the border)",
    currency: "Currency of the value", fx: "Exchange rate (market's currency per 1 unit)", incoterm: "Price basis (Incoterm)",
    incotermDefault: "The market's basis (CIF or FOB)", freight: "Freight to the border", insurance: "Insurance", quantity: "Quantity",
    valueHelp: "In the market's currency unless you name another; freight and insurance in the same currency as the value.",
    fxHelp: "For another currency, the customs' official rate on the day (Indonesia: the Minister of Finance's weekly rate, Kurs Menteri Keuangan; UK: HMRC's monthly rate; US: the Federal Reserve Bank of New York's certified rate; Japan: Japan Customs' weekly rate; Australia: the Australian Border Force's rate).",
    unitNeeded: (u) => `This line's rate is charged per ${u}: give the quantity in ${u}.`,
    landedTitle: "Everything paid at the border", landedCaption: "Each duty, tax and fee of importation with its base, rate, amount and legal basis",
    colItem: "Item", colBase: "Base", colAmount: "Amount", colBasisEn: "Legal basis", landedTotal: "Total",
    landedValuation: (v, basis, lb) => `Customs value (${basis}): ${v}. ${lb}.`, share: (p) => `${percent(p)}% of the customs value`,
    api: "Importer identification number (API), for Indonesia", apiYes: "The importer holds one (PPh 22 at 2.5%)", apiNo: "The importer holds none (PPh 22 at 7.5%)",
    notKnown: "not known", landedNotes: "Notes", landedFailed: (m) => `Everything paid at the border: ${m}`,
    fields: { value: "Value", currency: "Currency", fx: "Exchange rate", incoterm: "Price basis", freight: "Freight", insurance: "Insurance", quantity: "Quantity", api: "API", "no-api": "API: none" },
    resultTitle: "The duty", treatments: "Every treatment",
    treatmentsCaption: "Every treatment the market's tariff gives this line, with its legal basis",
    colTreatment: "Treatment", colRate: "Rate", colDuty: "Duty", colMargin: "Margin of preference", colBasis: "Legal basis", colStatus: "Status",
    proof: "Proof of origin", marketsTitle: "Markets where this product pays least",
    footer: "Tarif applies WTO most-favoured-nation treatment (GATT 1994 Art. I:1) and its exceptions to published tariffs. Check with the importing country's customs before you ship.",
    searching: "Searching…", found: (n) => `${n} line(s) found.`, none: "No line matches; try other words or a code.",
    via: (t) => `Found through the descriptions of ${t}.`, replaced: (r) => `Read ${r.map((x) => `“${x.word}” as “${x.by}”`).join(", ")}.`, pickFirst: "Search for your product and pick a line first.",
    resolving: "Finding the duty…", done: "Done.", applies: "applies", available: "available",
    appliedLabel: "Applied", fallbackLabel: "If origin is not proved", dutyOn: (v) => `on a customs value of ${v}`,
    noProof: "None: this rate applies to goods of any origin.", points: "points", chooseOrigin: "Choose the origin",
    kinds: { mfn: "MFN", preferential: "Preference", column2: "Column 2 (non-MFN)", gsp: "GSP", ldc: "LDC preference", staged: "Staged preference" },
    marketsNone: "No market to compare for this product.", average: "average applied rate",
    historyTitle: "This line through the versions of the tariff",
    historyCaption: "The duty on this line for goods of this origin in each version of the market's tariff",
    colFrom: "From", colUntil: "Until", colApplied: "Applied", colLayers: "Additional duties (chapter 99)", colShare: "Duty, % of value", colChange: "What changed",
    notInVersion: "not in this version", versions: (n) => `${n} version(s)`,
    changesTitle: "What changed in a tariff", changesFrom: "From (date)", changesTo: "To (date)", changesGo: "Show the changes",
    changesCaption: "Changes by chapter", colChapter: "Chapter", colAdded: "Lines added", colRemoved: "Lines removed",
    colRedescribed: "Re-described", colRates: "Rates changed", colNotes: "Notes changed",
    changesSummary: (from, to, n, k) => `${from} → ${to}: ${k} version(s) in between, ${n} change(s).`,
    headingsAdded: "Chapter 99 headings added", headingsEnded: "Chapter 99 headings ended",
    layersTitle: "Additional duties (US chapter 99)", layersCaption: "Each chapter 99 heading that names the line or the origin, whether it applies to this consignment, and why",
    colHeading: "Heading", colWhy: "Why (in English, as the engine states it)",
    layerApplies: "applies", layerNot: "does not apply", layerUndecided: "cannot be decided from the data",
    layersTotal: (v) => `Duty with the additional duties that apply: ${v}`,
    rulesTitle: "The rule of origin the preference asks",
    rulesFor: (name, heading) => `${name}, rule set ${heading}`,
    rulesDescribed: (d) => `Only for goods described as: ${d}. Check that your good fits; otherwise the next rule set applies.`,
    rulesOr: "Any one of these is enough:", rulesReads: "Tarif reads it as", rulesNotRead: "Tarif cannot read this text; check it by hand",
    rulesDeclare: "a process or condition you declare", rulesNotInForce: "not in force on the date",
    rulesTolerance: (p) => `Tolerance: non-originating materials that do not meet the rule, up to ${p}% of the ex-works price.`,
    rulesProof: "Proof of origin", rulesCheck: "To test a bill of materials: tarif origin check, or POST /v1/origin/check.",
  },
  id: {
    title: "Berapa bea masuk produk saya?",
    lead: "Temukan bea masuk produk Anda di suatu pasar, setiap perlakuan tarif beserta dasar hukumnya, dan bukti asal barang yang diperlukan untuk preferensi.",
    market: "Pasar (negara pengimpor)", origin: "Asal barang", product: "Produk: kata atau pos tarif",
    productHelp: "Misalnya “kaos katun”, “kemeja”, “beras” atau 6109.10.", search: "Cari",
    pick: "Pilih pos tarif yang sesuai dengan produk Anda", date: "Tanggal impor",
    value: "Nilai barang", resolve: "Cari bea masuk",
    consignment: "Kiriman (opsional: bea masuk dalam uang dan seluruh pungutan impor)",
    currency: "Mata uang nilai barang", fx: "Kurs (mata uang pasar per 1 satuan)", incoterm: "Dasar harga (Incoterm)",
    incotermDefault: "Dasar yang dipakai pasar (CIF atau FOB)", freight: "Ongkos angkut sampai perbatasan", insurance: "Asuransi", quantity: "Jumlah barang",
    valueHelp: "Dalam mata uang pasar kecuali Anda menyebut mata uang lain; ongkos angkut dan asuransi dalam mata uang yang sama dengan nilai barang.",
    fxHelp: "Untuk mata uang lain, kurs resmi pabean pada hari itu (Indonesia: Kurs Menteri Keuangan mingguan; Inggris: kurs bulanan HMRC; AS: kurs bersertifikat Federal Reserve Bank of New York; Jepang: kurs mingguan Bea Cukai Jepang; Australia: kurs Australian Border Force).",
    unitNeeded: (u) => `Tarif pos ini dikenakan per ${u}: isi jumlah barang dalam ${u}.`,
    landedTitle: "Seluruh pungutan impor", landedCaption: "Setiap bea, pajak dan biaya impor beserta dasar pengenaan, tarif, jumlah dan dasar hukumnya",
    colItem: "Pungutan", colBase: "Dasar pengenaan", colAmount: "Jumlah", colBasisEn: "Dasar hukum (sebagaimana dikutip, dalam bahasa Inggris)", landedTotal: "Jumlah seluruhnya",
    landedValuation: (v, basis) => `Nilai pabean (${basis}): ${v}.`, share: (p) => `${percent(p)}% dari nilai pabean`,
    api: "Angka Pengenal Importir (API), untuk Indonesia", apiYes: "Importir memiliki API (PPh 22 sebesar 2,5%)", apiNo: "Importir tidak memiliki API (PPh 22 sebesar 7,5%)",
    fieldNeeded: (f) => ({
      fx: "nilai barang dalam mata uang lain dari mata uang pasar; isi kurs resmi pabean pada hari itu (lihat keterangan kurs).",
      freight: "dasar harga yang dipilih tidak sesuai dengan dasar nilai pabean pasar (CIF atau FOB); isi ongkos angkut sampai perbatasan.",
      insurance: "dasar harga yang dipilih tidak sesuai dengan dasar nilai pabean pasar (CIF atau FOB); isi biaya asuransi.",
      quantity: "tarif pos ini dikenakan per satuan; isi jumlah barang.",
    })[f] || "isian ini diperlukan.",
    fieldNegative: "tidak boleh negatif; isi nol atau lebih.",
    notKnown: "belum diketahui", landedNotes: "Catatan (dari mesin, dalam bahasa Inggris)", landedFailed: (m) => `Seluruh pungutan impor: ${m}`,
    fields: { value: "Nilai barang", currency: "Mata uang", fx: "Kurs", incoterm: "Dasar harga", freight: "Ongkos angkut", insurance: "Asuransi", quantity: "Jumlah barang", api: "API", "no-api": "API: tidak ada" },
    resultTitle: "Bea masuk", treatments: "Semua perlakuan tarif",
    treatmentsCaption: "Setiap perlakuan tarif untuk pos ini beserta dasar hukumnya",
    colTreatment: "Perlakuan", colRate: "Tarif", colDuty: "Bea masuk", colMargin: "Margin preferensi", colBasis: "Dasar hukum", colStatus: "Status",
    proof: "Bukti asal barang", marketsTitle: "Pasar dengan bea masuk terendah untuk produk ini",
    footer: "Tarif menerapkan perlakuan negara paling disukai WTO (GATT 1994 Pasal I:1) dan pengecualiannya pada tarif yang diterbitkan. Periksa kembali dengan pabean negara pengimpor sebelum mengirim.",
    searching: "Mencari…", found: (n) => `${n} pos ditemukan.`, none: "Tidak ada pos yang cocok; coba kata lain atau kode.",
    via: (t) => `Ditemukan melalui uraian ${t}.`, replaced: (r) => `Dibaca ${r.map((x) => `“${x.word}” sebagai “${x.by}”`).join(", ")}.`, pickFirst: "Cari produk Anda dan pilih satu pos terlebih dahulu.",
    resolving: "Menghitung bea masuk…", done: "Selesai.", applies: "berlaku", available: "tersedia",
    appliedLabel: "Yang berlaku", fallbackLabel: "Jika asal barang tidak dapat dibuktikan", dutyOn: (v) => `atas nilai pabean ${v}`,
    noProof: "Tidak perlu: tarif ini berlaku untuk barang dari negara mana pun.", points: "poin", chooseOrigin: "Pilih negara asal",
    kinds: { mfn: "MFN", preferential: "Preferensi", column2: "Kolom 2 (non-MFN)", gsp: "GSP", ldc: "Preferensi LDC", staged: "Preferensi bertahap" },
    marketsNone: "Tidak ada pasar pembanding untuk produk ini.", average: "rata-rata tarif yang berlaku",
    historyTitle: "Pos ini dalam setiap versi tarif",
    historyCaption: "Bea masuk pos ini untuk barang dari negara asal ini dalam setiap versi tarif negara pengimpor",
    colFrom: "Sejak", colUntil: "Sampai", colApplied: "Yang berlaku", colLayers: "Bea masuk tambahan (bab 99)", colShare: "Bea masuk, % dari nilai", colChange: "Perubahan",
    notInVersion: "tidak ada dalam versi ini", versions: (n) => `${n} versi`,
    changesTitle: "Perubahan dalam suatu tarif", changesFrom: "Dari (tanggal)", changesTo: "Sampai (tanggal)", changesGo: "Tampilkan perubahan",
    changesCaption: "Perubahan per bab", colChapter: "Bab", colAdded: "Pos ditambahkan", colRemoved: "Pos dihapus",
    colRedescribed: "Uraian diubah", colRates: "Tarif diubah", colNotes: "Catatan diubah",
    changesSummary: (from, to, n, k) => `${from} → ${to}: ${k} versi di antaranya, ${n} perubahan.`,
    headingsAdded: "Pos bab 99 yang ditambahkan", headingsEnded: "Pos bab 99 yang berakhir",
    layersTitle: "Bea tambahan (bab 99 tarif AS)", layersCaption: "Setiap pos bab 99 yang menyebut pos tarif ini atau negara asal, apakah berlaku untuk kiriman ini, dan alasannya",
    colHeading: "Pos", colWhy: "Alasan (dalam bahasa Inggris, sebagaimana dinyatakan mesin)",
    layerApplies: "berlaku", layerNot: "tidak berlaku", layerUndecided: "tidak dapat ditentukan dari data",
    layersTotal: (v) => `Bea masuk beserta bea tambahan yang berlaku: ${v}`,
    rulesTitle: "Ketentuan asal barang yang disyaratkan preferensi",
    rulesFor: (name, heading) => `${name}, kelompok ketentuan ${heading}`,
    rulesDescribed: (d) => `Hanya untuk barang dengan uraian: ${d}. Pastikan barang Anda sesuai; jika tidak, kelompok ketentuan berikutnya yang berlaku.`,
    rulesOr: "Cukup memenuhi salah satu:", rulesReads: "Dibaca oleh Tarif sebagai", rulesNotRead: "Tarif tidak dapat membaca teks ini; periksa secara manual",
    rulesDeclare: "proses atau syarat yang Anda nyatakan", rulesNotInForce: "tidak berlaku pada tanggal tersebut",
    rulesTolerance: (p) => `Toleransi: bahan bukan asal yang tidak memenuhi ketentuan, hingga ${p}% dari harga ex-works.`,
    rulesProof: "Bukti asal barang", rulesCheck: "Untuk menguji daftar bahan baku: tarif origin check, atau POST /v1/origin/check.",
  },
};

const state = { lang: "en", code: null, resolution: null, markets: null };
const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[state.lang][key];

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) {
    const error = new Error(body.error ? body.error.message : `HTTP ${response.status}`);
    error.field = body.error ? body.error.field : undefined;
    throw error;
  }
  return body;
}

// An error of the consignment's fields, led by the field's name as the page shows it; the
// engine's option names (--fx) read as the page's fields; in Indonesian, the common cases
// (a field needed, a negative amount) said in Indonesian.
function fieldError(e) {
  const name = e.field && t("fields")[e.field];
  if (!name) return e.message;
  if (state.lang === "id") {
    if (/is needed/.test(e.message)) return `${name}: ${t("fieldNeeded")(e.field)}`;
    if (/negative/.test(e.message)) return `${name}: ${t("fieldNegative")}`;
  }
  const message = e.message.replace(/--([a-z-]+)(?: [A-Z]{3}=RATE)?/g, (m, f) => `“${t("fields")[f] || f}”`);
  return message.startsWith(`“${name}”`) ? message : `${name}: ${message}`;
}

function setStatus(text, isError) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("error", !!isError);
}

function applyLanguage(lang) {
  state.lang = lang;
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) {
    const v = t(el.dataset.t);
    if (typeof v === "string") el.textContent = v;
  }
  $("lang-en").setAttribute("aria-pressed", String(lang === "en"));
  $("lang-id").setAttribute("aria-pressed", String(lang === "id"));
  try { localStorage.setItem("tarif-lang", lang); } catch (e) { /* private mode */ }
  if (state.lines) renderLines(state.lines);
  if (state.resolution) renderResolution(state.resolution);
  if (state.markets) renderMarkets(state.markets);
  if (state.rules) renderOriginRules();
  if (state.landed) renderLanded(state.landed);
  renderUnitHint();
}

function option(value, text) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  return o;
}

async function loadChoices(params) {
  const [schedules, countries] = await Promise.all([api("/v1/schedules"), api("/v1/countries")]);
  const markets = new Map();
  for (const s of schedules) if (s.series === `${s.importer}-MFN`) markets.set(s.importer, s.name || s.importer);
  const market = $("market");
  for (const [code, name] of [...markets].sort((a, b) => a[1].localeCompare(b[1]))) {
    market.append(option(code, `${name} (${code})`));
    $("changes-market").append(option(code, `${name} (${code})`));
  }
  $("changes-market").value = markets.has("USA") ? "USA" : market.options[0]?.value || "";
  const origin = $("origin");
  origin.append(option("", t("chooseOrigin")));
  for (const c of countries) origin.append(option(c.code, `${c.name} (${c.code})`));
  market.value = params.get("market") || (markets.has("USA") ? "USA" : market.options[0]?.value || "");
  origin.value = params.get("origin") || "IDN";
}

async function search() {
  const q = $("q").value.trim();
  if (!q) { $("q").focus(); return; }
  setStatus(t("searching"));
  try {
    const answer = await api(`/v1/lines/${encodeURIComponent($("market").value)}?q=${encodeURIComponent(q)}&on=${$("on").value}&limit=40`);
    state.lines = answer;
    renderLines(answer);
    setStatus(answer.lines.length ? t("found")(answer.lines.length) : t("none"), !answer.lines.length);
  } catch (e) {
    setStatus(e.message, true);
  }
}

function renderLines(answer) {
  const box = $("lines");
  box.replaceChildren();
  $("lines-box").hidden = answer.lines.length === 0;
  $("lines-note").textContent = [answer.replaced ? t("replaced")(answer.replaced) : "", answer.matchedVia ? t("via")(answer.matchedVia) : ""].filter(Boolean).join(" ");
  answer.lines.forEach((line, i) => {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "line";
    input.value = line.code;
    input.checked = line.code === state.code || (!state.code && i === 0);
    if (input.checked) state.code = line.code;
    input.addEventListener("change", () => { state.code = line.code; suggestUnit(); });
    const code = document.createElement("code");
    code.textContent = line.code;
    const text = document.createElement("span");
    const description = state.lang === "id" && line.descriptionLocal ? line.descriptionLocal : line.description;
    text.textContent = [...(line.path || []), description].join(" › ");
    label.append(input, code, text);
    box.append(label);
    if (input.checked) requestAnimationFrame(() => label.scrollIntoView({ block: "nearest" }));
  });
  suggestUnit();
}

// The unit the picked line's rate is charged in (a specific rate: "450,-/kg"), from the
// duty answered without a quantity: the unit list is set to it and the hint names it.
async function suggestUnit() {
  state.unitNeeded = null;
  renderUnitHint();
  if (!state.code) return;
  const params = new URLSearchParams({ importer: $("market").value, code: state.code, on: $("on").value });
  if ($("origin").value) params.set("origin", $("origin").value);
  try { showUnitNeeded(await api(`/v1/duty?${params}`)); } catch (e) { /* the resolution will say */ }
}

function showUnitNeeded(r) {
  const units = [];
  for (const tr of r.treatments) for (const m of tr.missing || []) if (m.kind === "quantity" && m.detail && !units.includes(m.detail)) units.push(m.detail);
  state.unitNeeded = units.length ? units : null;
  if (units.length) {
    const unit = units[0].replace(/\.$/, "");
    if (![...$("unit").options].some((o) => o.value === unit)) $("unit").append(option(unit, unit));
    if (!$("quantity").value.trim()) $("unit").value = unit;
  }
  renderUnitHint();
}

function renderUnitHint() {
  $("quantity-help").textContent = state.unitNeeded ? t("unitNeeded")(state.unitNeeded.join(", ")) : "";
}

// The consignment's fields as query parameters of /v1/landed (nil without a value).
function landedParams() {
  const value = $("value").value.trim();
  if (!value) return null;
  const p = new URLSearchParams({ importer: $("market").value, code: state.code, on: $("on").value, value });
  if ($("origin").value) p.set("origin", $("origin").value);
  for (const id of ["currency", "fx", "incoterm", "freight", "insurance", "api"]) if ($(id).value.trim()) p.set(id, $(id).value.trim());
  const quantity = quantityText();
  if (quantity) p.set("quantity", quantity);
  return p;
}

function quantityText() {
  const q = $("quantity").value.trim();
  return q ? `${q}${$("unit").value}` : null;
}

async function resolve(event) {
  if (event) event.preventDefault();
  if (!state.code) { setStatus(t("pickFirst"), true); $("q").focus(); return; }
  setStatus(t("resolving"));
  const params = new URLSearchParams({ importer: $("market").value, code: state.code, on: $("on").value });
  if ($("origin").value) params.set("origin", $("origin").value);
  const quantity = quantityText();
  if (quantity) params.set("quantity", quantity);
  // With a value: everything paid at the border (/v1/landed), whose customs value (converted,
  // on the market's basis) the duty is then computed on. Its error names the field.
  state.landed = null;
  state.landedError = null;
  const landed = landedParams();
  if (landed) {
    try {
      state.landed = await api(`/v1/landed?${landed}`);
      params.set("value", state.landed.valuation.customsValue.amount);
    } catch (e) {
      state.landedError = fieldError(e);
      // The value as the market's customs value, as before the consignment's fields, unless
      // the error is in what turns it into one (currency, rate, basis, carriage).
      if (!$("currency").value.trim() && !["value", "currency", "fx", "incoterm", "freight", "insurance"].includes(e.field)) params.set("value", $("value").value.trim());
    }
  }
  try {
    state.resolution = await api(`/v1/duty?${params}`);
    renderResolution(state.resolution);
    showUnitNeeded(state.resolution);
    renderLanded(state.landed);
    $("result").hidden = false;
    $("result-title").focus();
    setStatus(state.landedError ? t("landedFailed")(state.landedError) : t("done"), !!state.landedError);
    const share = new URLSearchParams({ market: $("market").value, origin: $("origin").value, q: $("q").value, code: state.code, on: $("on").value, lang: state.lang });
    for (const id of ["value", "currency", "fx", "incoterm", "freight", "insurance", "quantity", "api"]) if ($(id).value.trim()) share.set(id, $(id).value.trim());
    if ($("quantity").value.trim()) share.set("unit", $("unit").value);
    history.replaceState(null, "", `?${share}`);
    if ($("origin").value) {
      const product = state.code.replace(/\./g, "").slice(0, 6);
      state.markets = await api(`/v1/markets?origin=${$("origin").value}&product=${product}&on=${$("on").value}`);
      renderMarkets(state.markets);
    }
    await showOriginRules(state.resolution);
    const since = new URLSearchParams({ value: $("value").value.trim() || "10000" });
    if ($("origin").value) since.set("origin", $("origin").value);
    try { renderHistory(await api(`/v1/history/${$("market").value}/${state.code}?${since}`)); } catch (e) { $("history").querySelector("tbody").replaceChildren(); }
  } catch (e) {
    setStatus(e.message, true);
  }
}

// The product-specific rule of origin beside each UK scheme's preference (the schemes whose
// published rules are loaded): the rule sets covering the line, the alternatives in force.
async function showOriginRules(r) {
  const box = $("origin-rules");
  box.replaceChildren();
  $("origin-rules-box").hidden = true;
  state.rules = [];
  if (r.importer !== "GBR" || !r.origin) return;
  const schemes = [...new Set(r.treatments.filter((tr) => tr.kind === "preferential" && tr.agreement && tr.agreement.startsWith("GBR-")).map((tr) => tr.agreement))];
  for (const scheme of schemes) {
    try {
      state.rules.push(await api(`/v1/origin/rules/GBR/${r.code}?scheme=${encodeURIComponent(scheme)}&on=${r.day}`));
    } catch (e) { /* no rules loaded for this scheme */ }
  }
  renderOriginRules();
}

function renderOriginRules() {
  const box = $("origin-rules");
  box.replaceChildren();
  for (const answer of state.rules || []) {
    const set = answer.ruleSets[0];
    if (!set) continue;
    const h = document.createElement("h4");
    h.textContent = t("rulesFor")(answer.agreementName, set.heading);
    box.append(h);
    if (set.partial && set.subdivision) {
      const p = document.createElement("p");
      p.textContent = t("rulesDescribed")(set.subdivision);
      box.append(p);
    }
    const inForce = set.alternatives.filter((a) => a.inForce);
    const intro = document.createElement("p");
    intro.textContent = inForce.length > 1 ? t("rulesOr") : "";
    box.append(intro);
    const list = document.createElement("ul");
    list.className = "origin-rule";
    for (const a of set.alternatives) {
      const li = document.createElement("li");
      const text = document.createElement("div");
      text.textContent = a.text;
      const how = document.createElement("div");
      how.className = "reads";
      how.textContent = a.rule ? `${t("rulesReads")}: ${a.rule}${a.declared ? ` (${t("rulesDeclare")})` : ""}` : `${t("rulesNotRead")}: ${a.notRead}`;
      li.append(text, how);
      if (!a.inForce) { li.className = "not-in-force"; li.append(` (${t("rulesNotInForce")}: ${a.validFrom || "…"} – ${a.validUntil || "…"})`); }
      list.append(li);
    }
    box.append(list);
    const foot = document.createElement("p");
    foot.textContent = [answer.tolerance ? t("rulesTolerance")(answer.tolerance) : "", `${t("rulesProof")}: ${answer.proofOfOrigin.join("; ")}.`, t("rulesCheck")].filter(Boolean).join(" ");
    box.append(foot);
  }
  $("origin-rules-box").hidden = !(state.rules || []).length;
}

function percent(p) {
  return Number(p).toLocaleString(state.lang === "id" ? "id-ID" : "en-US", { maximumFractionDigits: 2 });
}

function money(m) {
  if (!m) return "—";
  const n = Number(m.amount);
  return `${n.toLocaleString(state.lang === "id" ? "id-ID" : "en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${m.currency}`;
}

function treatmentName(tr) {
  const kind = t("kinds")[tr.kind] || tr.kind;
  const name = tr.agreement || tr.program;
  return name ? `${kind}: ${name}${tr.program && tr.agreement ? ` (${tr.program})` : ""}` : kind;
}

function renderResolution(r) {
  const applied = r.applied.map((i) => r.treatments[i]);
  const first = applied[0];
  const box = $("applied");
  box.replaceChildren();
  const head = document.createElement("div");
  head.className = "big";
  head.id = "applied-rate";
  head.textContent = first ? `${first.rateText || "—"}` : "—";
  const what = document.createElement("div");
  what.textContent = `${t("appliedLabel")}: ${applied.map(treatmentName).join(" = ")}` +
    (first && first.duty ? ` — ${money(first.duty)} ${r.customsValue ? t("dutyOn")(money(r.customsValue)) : ""}` : "");
  box.append(head, what);
  if (r.fallback !== undefined && r.fallback !== null && !r.applied.includes(r.fallback)) {
    const fb = r.treatments[r.fallback];
    const line = document.createElement("div");
    line.textContent = `${t("fallbackLabel")}: ${treatmentName(fb)} ${fb.rateText || ""}${fb.duty ? ` (${money(fb.duty)})` : ""}`;
    box.append(line);
  }
  $("explanation").textContent = state.lang === "id" ? r.explanation.indonesian : r.explanation.english;
  const body = $("treatments").tBodies[0];
  body.replaceChildren();
  r.treatments.forEach((tr, i) => {
    const row = body.insertRow();
    row.className = r.applied.includes(i) ? "applies" : tr.excludedBecause ? "excluded" : "";
    const margin = tr.marginPoints !== undefined && tr.marginPoints !== null
      ? `${tr.marginPoints} ${t("points")}${tr.marginOfPreference ? ` (${money(tr.marginOfPreference)})` : ""}` : "—";
    const basis = tr.legalBasis ? [tr.legalBasis.article, tr.legalBasis.instrument].filter(Boolean).join(" — ") : "";
    const status = r.applied.includes(i) ? t("applies") : tr.excludedBecause || t("available");
    for (const text of [treatmentName(tr), tr.rateText || "—", money(tr.duty), margin, basis, status]) row.insertCell().textContent = text;
  });
  const layers = (r.additionalDuties || []).filter((l) => l.effect !== "no-change");
  const layerBody = $("layers").tBodies[0];
  layerBody.replaceChildren();
  for (const l of layers) {
    const row = layerBody.insertRow();
    row.className = l.applies === true ? "applies" : l.applies === false ? "excluded" : "";
    const status = l.applies === true ? t("layerApplies") : l.applies === false ? t("layerNot") : t("layerUndecided");
    for (const text of [l.heading, l.rateText, money(l.duty), status]) row.insertCell().textContent = text;
    const why = row.insertCell();
    why.lang = "en";
    why.textContent = l.reason;
  }
  $("layers-total").textContent = layers.some((l) => l.applies === true) && r.dutyWithAdditional ? t("layersTotal")(money(r.dutyWithAdditional)) : "";
  $("layers-box").hidden = layers.length === 0;
  const proof = $("proof");
  proof.replaceChildren();
  const conditions = first ? first.conditions : [];
  for (const c of conditions.length ? conditions : [t("noProof")]) {
    const li = document.createElement("li");
    li.textContent = c;
    proof.append(li);
  }
}

// Everything paid at the border: each item with its base, rate, amount and legal basis, the
// total and its share of the customs value, and the engine's sentence in the page's language.
function renderLanded(l) {
  $("landed-box").hidden = !l;
  if (!l) return;
  const v = l.valuation;
  $("landed-valuation").textContent = state.lang === "id" ? t("landedValuation")(money(v.customsValue), v.basis) : t("landedValuation")(money(v.customsValue), v.basis, v.legalBasis);
  const body = $("landed").tBodies[0];
  body.replaceChildren();
  for (const item of l.items) {
    const row = body.insertRow();
    row.insertCell().textContent = state.lang === "id" ? item.nameIndonesian : item.name;
    const base = row.insertCell(); base.className = "base"; base.textContent = item.base ? money(item.base) : "—";
    row.insertCell().textContent = item.rate;
    const amount = row.insertCell(); amount.className = "amount"; amount.textContent = item.amount ? money(item.amount) : t("notKnown");
    const basis = row.insertCell();
    basis.lang = "en";
    basis.textContent = item.legalBasis;
  }
  $("landed-total").textContent = l.total ? money(l.total) : t("notKnown");
  $("landed-share").textContent = l.shareOfValue !== undefined && l.shareOfValue !== null ? t("share")(l.shareOfValue) : "";
  $("landed-text").textContent = state.lang === "id" ? l.indonesian : l.english;
  // The exporter's own border (Indonesia's bea keluar), outside the total.
  $("landed-export").hidden = !l.exportDuty;
  $("landed-export").textContent = l.exportDuty ? (state.lang === "id" ? l.exportDuty.noteIndonesian : l.exportDuty.note) : "";
  // The notes are the engine's, in English: marked so, and introduced in Indonesian.
  const notes = $("landed-notes");
  notes.replaceChildren();
  for (const n of [...l.items.flatMap((i) => i.notes), ...l.notes.filter((n) => !l.exportDuty || n !== l.exportDuty.note)]) {
    const li = document.createElement("li");
    li.lang = "en";
    li.textContent = n.replace(/--([a-z0-9-]+)/g, (m, f) => `“${TEXT.en.fields[f] || f}”`);
    notes.append(li);
  }
  $("landed-notes-title").hidden = !notes.children.length;
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function renderHistory(h) {
  const body = $("history").querySelector("tbody");
  body.replaceChildren();
  for (const s of h.steps) {
    const tr = document.createElement("tr");
    const applied = s.missing ? t("notInVersion") : `${s.treatment || ""} ${s.rateText || ""}`.trim();
    tr.append(cell(s.from), cell(s.until || "—"), cell(`${applied} (${t("versions")(s.versions.length)})`), cell(s.layers.join("; ")),
      cell(s.percentOfValue !== undefined && s.percentOfValue !== null ? `${s.percentOfValue}%` : "—"), cell(s.change || ""));
    body.append(tr);
  }
}

async function showChanges(event) {
  if (event) event.preventDefault();
  const params = new URLSearchParams({ from: $("changes-from").value, to: $("changes-to").value });
  try {
    const c = await api(`/v1/changes/${$("changes-market").value}?${params}`);
    $("changes-summary").textContent = t("changesSummary")(c.from.validity.start, c.to.validity.start, c.changes.length, c.between.length);
    const body = $("changes").querySelector("tbody");
    body.replaceChildren();
    for (const ch of c.byChapter) {
      const n = (k) => String(ch.counts[k] || 0);
      const rates = (ch.counts.mfn_rate || 0) + (ch.counts.preferential_rate || 0) + (ch.counts.non_mfn_rate || 0);
      const tr = document.createElement("tr");
      tr.append(cell(ch.chapter), cell(n("added")), cell(n("removed")), cell(n("redescribed")), cell(String(rates)), cell(n("notes")));
      body.append(tr);
    }
    $("changes").hidden = false;
    const list = $("changes-99");
    list.replaceChildren();
    const heading = (c) => c.code.startsWith("99") && c.code.replace(/\./g, "").length === 8;
    for (const [key, kind] of [["headingsAdded", "added"], ["headingsEnded", "removed"]]) {
      const codes = c.changes.filter((x) => x.kind === kind && heading(x)).map((x) => x.code);
      if (!codes.length) continue;
      const li = document.createElement("li");
      li.textContent = `${t(key)} (${codes.length}): ${codes.join(", ")}`;
      list.append(li);
    }
  } catch (e) {
    $("changes-summary").textContent = e.message;
  }
}

function renderMarkets(markets) {
  const chart = $("markets");
  chart.replaceChildren();
  const rows = markets.filter((m) => m.averageRate !== undefined && m.averageRate !== null).slice(0, 12);
  if (!rows.length) { chart.textContent = t("marketsNone"); return; }
  const ns = "http://www.w3.org/2000/svg";
  const width = 640, bar = 26, left = 200, height = rows.length * bar + 30;
  const max = Math.max(1, ...rows.map((m) => Number(m.averageRate)));
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${t("marketsTitle")} (${t("average")})`);
  rows.forEach((m, i) => {
    const y = 10 + i * bar;
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", left - 8); label.setAttribute("y", y + 17); label.setAttribute("text-anchor", "end"); label.setAttribute("font-size", "13");
    label.textContent = `${m.name} (${m.importer})`;
    const w = Math.max(2, (Number(m.averageRate) / max) * (width - left - 70));
    const rect = document.createElementNS(ns, "rect");
    rect.setAttribute("x", left); rect.setAttribute("y", y + 4); rect.setAttribute("width", w); rect.setAttribute("height", bar - 8);
    rect.setAttribute("fill", i === 0 ? "#1f7a3a" : "#0b5fa5");
    const value = document.createElementNS(ns, "text");
    value.setAttribute("x", left + w + 6); value.setAttribute("y", y + 17); value.setAttribute("font-size", "13");
    value.textContent = `${m.averageRate}%`;
    svg.append(label, rect, value);
  });
  chart.append(svg);
}

async function start() {
  const params = new URLSearchParams(location.search);
  let lang = params.get("lang");
  if (!lang) { try { lang = localStorage.getItem("tarif-lang"); } catch (e) { lang = null; } }
  if (!lang) lang = (navigator.language || "en").toLowerCase().startsWith("id") ? "id" : "en";
  applyLanguage(lang === "id" ? "id" : "en");
  $("lang-en").addEventListener("click", () => applyLanguage("en"));
  $("lang-id").addEventListener("click", () => applyLanguage("id"));
  $("on").value = params.get("on") || new Date().toISOString().slice(0, 10);
  for (const id of ["value", "currency", "fx", "incoterm", "freight", "insurance", "quantity", "unit", "api"]) if (params.get(id)) $(id).value = params.get(id);
  $("search").addEventListener("click", search);
  $("q").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); search(); } });
  $("market").addEventListener("change", () => { state.code = null; if ($("q").value.trim()) search(); });
  $("question").addEventListener("submit", resolve);
  $("changes-form").addEventListener("submit", showChanges);
  $("changes-to").value = params.get("changesTo") || $("on").value;
  $("changes-from").value = params.get("changesFrom") || `${Number($("on").value.slice(0, 4)) - 1}${$("on").value.slice(4)}`;
  try {
    await loadChoices(params);
  } catch (e) {
    setStatus(e.message, true);
    return;
  }
  if (params.get("changes")) $("changes-market").value = params.get("changes");
  if (params.get("changesFrom")) await showChanges();
  if (params.get("q")) {
    $("q").value = params.get("q");
    state.code = params.get("code");
    await search();
    if (params.get("code")) await resolve();
  }
}

document.addEventListener("DOMContentLoaded", start);
