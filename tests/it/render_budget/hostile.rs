//! Hostile PDFs, written here so no binary fixture is needed: each is small on disk and
//! costs hayro unbounded time or memory to render.

/// A PDF of `objects` (numbered from 1; object 1 is the catalog) with its xref table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< /Length {} {dict} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// Catalog, page tree and one 200 pt page (objects 1–4, the content is object 4).
fn one_page(resources: &str, content: Vec<u8>) -> Vec<Vec<u8>> {
    vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources {resources} /Contents 4 0 R >>"
        )
        .into_bytes(),
        content,
    ]
}

/// `depth` form `XObject`s, each drawing the next twice: 2^`depth` rectangles in ~6 KB.
pub fn deep_nesting(depth: usize) -> Vec<u8> {
    let mut objects = one_page("<< /XObject << /X 5 0 R >> >>", stream("", b"/X Do"));
    for level in 0..depth {
        let form = "/Type /XObject /Subtype /Form /BBox [0 0 200 200]";
        objects.push(if level + 1 < depth {
            stream(
                &format!(
                    "{form} /Resources << /XObject << /X {} 0 R >> >>",
                    6 + level
                ),
                b"/X Do /X Do",
            )
        } else {
            stream(&format!("{form} /Resources << >>"), b"0 0 100 100 re f")
        });
    }
    pdf(&objects)
}

/// A 1-bit image declaring `width`×`height` with 16 bytes of data: hayro 0.9 allocates
/// a byte per pixel up front (`100_000`×`127_000` asks for 12.7 GB).
pub fn huge_image(width: u32, height: u32) -> Vec<u8> {
    let mut objects = one_page(
        "<< /XObject << /Im 5 0 R >> >>",
        stream("", b"q 200 0 0 200 0 0 cm /Im Do Q"),
    );
    objects.push(stream(
        &format!(
            "/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray /BitsPerComponent 1"
        ),
        &[0; 16],
    ));
    pdf(&objects)
}

/// `pages` empty pages in one flat page tree.
pub fn many_pages(pages: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 3)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
    ];
    objects.extend(
        (0..pages).map(|_| b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>".to_vec()),
    );
    pdf(&objects)
}

/// A content stream compressed twice (`/Filter [/FlateDecode /FlateDecode]`) that
/// inflates to `spaces` bytes of whitespace before painting the page blue: 2 GB from
/// about 90 KB.
pub fn decompression_bomb(spaces: u64) -> Vec<u8> {
    let inner = zlib_of_spaces(spaces, b"\n0 0 1 rg 0 0 200 200 re f\n");
    let outer = zlib_of_periodic(&inner);
    pdf(&one_page(
        "<< >>",
        stream("/Filter [/FlateDecode /FlateDecode]", &outer),
    ))
}

/// Deflate's bits, least significant first.
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    pending: u64,
    count: u32,
}

impl Bits {
    fn push(&mut self, value: u32, count: u32) {
        self.pending |= u64::from(value) << self.count;
        self.count += count;
        while self.count >= 8 {
            self.bytes.push(self.pending as u8);
            self.pending >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code goes most significant bit first.
    fn code(&mut self, code: u32, length: u32) {
        self.push(code.reverse_bits() >> (32 - length), length);
    }

    /// A byte as a literal of the fixed Huffman code.
    fn literal(&mut self, byte: u8) {
        if byte < 144 {
            self.code(0x30 + u32::from(byte), 8);
        } else {
            self.code(0x190 + u32::from(byte) - 144, 9);
        }
    }

    /// Length 258 (symbol 285), then distance code `code` with its extra bits.
    fn copy_258(&mut self, distance_code: u32, extra: u32, extra_bits: u32) {
        self.code(0xC5, 8);
        self.code(distance_code, 5);
        self.push(extra, extra_bits);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.bytes.push(self.pending as u8);
        }
        self.bytes
    }
}

fn zlib(body: impl FnOnce(&mut Bits), adler: u32) -> Vec<u8> {
    let mut bits = Bits::default();
    // A final block with the fixed codes.
    bits.push(1, 1);
    bits.push(1, 2);
    body(&mut bits);
    bits.code(0, 7); // end of block
    let mut out = vec![0x78, 0x01];
    out.extend_from_slice(&bits.finish());
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

/// `n` spaces and then `tail`: one literal, copies of 258 at distance 1, literals.
fn zlib_of_spaces(n: u64, tail: &[u8]) -> Vec<u8> {
    const MOD: u64 = 65_521;
    // Adler-32 of n spaces in closed form (a_k = 1 + 32k; b = the sum of the a_k).
    let n_mod = n % MOD;
    let mut a = (1 + 32 * n_mod) % MOD;
    let triangle = (u128::from(n) * (u128::from(n) + 1) / 2 % u128::from(MOD)) as u64;
    let mut b = (n_mod + 32 * triangle) % MOD;
    for &byte in tail {
        a = (a + u64::from(byte)) % MOD;
        b = (b + a) % MOD;
    }
    zlib(
        |bits| {
            if n == 0 {
                return;
            }
            let copies = (n - 1) / 258;
            bits.literal(b' ');
            for _ in 0..copies {
                bits.copy_258(0, 0, 0);
            }
            for _ in 0..(n - 1 - copies * 258) {
                bits.literal(b' ');
            }
            for &byte in tail {
                bits.literal(byte);
            }
        },
        ((b << 16) | a) as u32,
    )
}

/// Data that repeats with a period of 13 bytes after a short start (what
/// [`zlib_of_spaces`] writes): literals until then, copies at distance 13 after.
fn zlib_of_periodic(data: &[u8]) -> Vec<u8> {
    let (mut a, mut b) = (1_u32, 0_u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib(
        |bits| {
            let mut at = 0;
            while at < data.len() {
                let repeats = at >= 13
                    && at + 258 <= data.len()
                    && data[at..at + 258] == data[at - 13..at + 245];
                if repeats {
                    // Distance 13 is code 7 (13–16) with two extra bits, 0.
                    bits.copy_258(7, 0, 2);
                    at += 258;
                } else {
                    bits.literal(data[at]);
                    at += 1;
                }
            }
        },
        (b << 16) | a,
    )
}
