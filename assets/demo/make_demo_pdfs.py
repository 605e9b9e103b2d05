"""Makes the local stack's demo receipts (assets/demo/*.pdf). Run once by hand:

    python3 -m venv /tmp/v && /tmp/v/bin/pip install fpdf2 pillow
    apt-get install fonts-ipafont-gothic
    /tmp/v/bin/python assets/demo/make_demo_pdfs.py

The PDFs embed a subset of IPA Gothic (IPA Font License), so they render anywhere,
with no system font. Nothing here runs in CI; the PDFs are committed.
"""
import io
import random
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"
OUT = Path(__file__).parent


def receipt(pdf: FPDF, lines, width_mm=80):
    pdf.add_page(format=(width_mm, 24 + 7 * len(lines)))
    pdf.set_font("ipag", size=9)
    for text, amount, style in lines:
        size = {"title": 14, "big": 12}.get(style, 9)
        pdf.set_font("ipag", size=size)
        if amount is None:
            pdf.cell(width_mm - 10, 7, text, align="C" if style else "L", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.cell(width_mm - 30, 7, text)
            pdf.cell(20, 7, amount, align="R", new_x="LMARGIN", new_y="NEXT")


def new_pdf(title: str) -> FPDF:
    pdf = FPDF(unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(5, 8)
    pdf.add_font("ipag", fname=FONT)
    pdf.set_title(title)
    pdf.set_creator("Receipt Desk demo data")
    return pdf


def konbini():
    pdf = new_pdf("コンビニ 領収書")
    receipt(pdf, [
        ("ファミリーマート 渋谷道玄坂店", None, "title"),
        ("領収書", None, "big"),
        ("2024年5月12日(日) 12:34", None, ""),
        ("おにぎり 紅しゃけ", "¥160", ""),
        ("緑茶 525ml", "¥150", ""),
        ("サラダチキン", "¥298", ""),
        ("小計", "¥608", ""),
        ("消費税等(8%)", "¥48", ""),
        ("合計", "¥656", "big"),
        ("お預り 現金", "¥1,000", ""),
        ("お釣り", "¥344", ""),
        ("登録番号 T1234567890123", None, ""),
    ])
    pdf.output(str(OUT / "2024-05-konbini.pdf"))


def stationery():
    pdf = new_pdf("文具 領収書")
    receipt(pdf, [
        ("文具のさくら堂", None, "title"),
        ("領 収 書", None, "big"),
        ("株式会社シタダン 様", None, ""),
        ("2024年6月3日", None, ""),
        ("ボールペン 0.5mm 黒 ×10", "¥1,100", ""),
        ("A4 コピー用紙 500枚", "¥698", ""),
        ("クリアファイル ×20", "¥440", ""),
        ("合計(税込)", "¥2,238", "big"),
        ("(内消費税 10% ¥203)", None, ""),
        ("但し 事務用品代として", None, ""),
    ], width_mm=90)
    pdf.output(str(OUT / "2024-06-文具.pdf"))


def taxi():
    pdf = new_pdf("Taxi receipt")
    receipt(pdf, [
        ("日本交通 / Nihon Kotsu Taxi", None, "title"),
        ("領収書 RECEIPT", None, "big"),
        ("2024/06/21 23:10", None, ""),
        ("乗車 Pick-up: 新橋駅", None, ""),
        ("降車 Drop-off: 品川区大崎", None, ""),
        ("運賃 Fare", "¥3,420", ""),
        ("深夜割増 Late night", "¥680", ""),
        ("合計 Total", "¥4,100", "big"),
        ("クレジット Credit card", None, ""),
    ])
    pdf.output(str(OUT / "2024-06-taxi.pdf"))


def hotel():
    pdf = new_pdf("ホテル ご請求書")
    nights = [("6月10日", "¥12,800"), ("6月11日", "¥12,800"), ("6月12日", "¥13,500")]
    for page, (day, amount) in enumerate(nights, start=1):
        pdf.add_page(format="A4")
        pdf.set_font("ipag", size=20)
        pdf.cell(0, 14, "ホテル大阪ベイサイド  ご請求書 (明細)", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("ipag", size=11)
        pdf.cell(0, 8, f"ページ {page} / {len(nights)}   Invoice No. HB-2024-0610", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        rows = [("宿泊日", day), ("客室料金 (シングル)", amount), ("宿泊税", "¥200"), ("朝食", "¥1,800")]
        for label, value in rows:
            pdf.cell(120, 9, label, border="B")
            pdf.cell(50, 9, value, border="B", align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
        pdf.set_font("ipag", size=9)
        pdf.multi_cell(0, 6, "ご宿泊ありがとうございました。本書は領収書を兼ねます。\nThank you for staying with us.")
    pdf.output(str(OUT / "2024-06-hotel-3pages.pdf"))


def scan():
    """A scanned paper receipt: a photo-like JPEG on an A4 page."""
    rng = random.Random(6)
    w, h = 1240, 1754  # A4 at 150 dpi
    paper = Image.new("RGB", (w, h), (236, 233, 224))
    draw = ImageDraw.Draw(paper)
    font = ImageFont.truetype(FONT, 34)
    big = ImageFont.truetype(FONT, 52)
    x0, y = 330, 180
    draw.rectangle([x0 - 40, 120, x0 + 620, 1500], fill=(250, 249, 244))
    draw.text((x0, y), "喫茶 ひだまり", font=big, fill=(30, 30, 30))
    y += 100
    for text, amount in [("2024年7月2日 15:20", ""), ("ブレンドコーヒー", "¥480"), ("チーズケーキ", "¥520"),
                         ("打合せ 2名", ""), ("ブレンドコーヒー", "¥480"), ("小計", "¥1,480"),
                         ("消費税(10%)", "¥148"), ("合計", "¥1,628"), ("領収書 但し飲食代として", "")]:
        draw.text((x0, y), text, font=font, fill=(35, 35, 35))
        if amount:
            draw.text((x0 + 420, y), amount, font=font, fill=(35, 35, 35))
        y += 70
    for _ in range(9000):  # paper grain
        px, py = rng.randrange(w), rng.randrange(h)
        shade = rng.randrange(190, 235)
        paper.putpixel((px, py), (shade, shade, shade - 8))
    paper = paper.rotate(1.3, resample=Image.BICUBIC, fillcolor=(236, 233, 224)).filter(ImageFilter.GaussianBlur(0.6))
    jpeg = io.BytesIO()
    paper.save(jpeg, "JPEG", quality=80)
    pdf = new_pdf("スキャン 領収書")
    pdf.add_page(format="A4")
    pdf.image(io.BytesIO(jpeg.getvalue()), x=0, y=0, w=210, h=297)
    pdf.output(str(OUT / "2024-07-cafe-scan.pdf"))


def broken():
    """A PDF cut off in the middle of its first object, as a failed upload leaves it."""
    (OUT / "broken-upload.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n")


if __name__ == "__main__":
    konbini()
    stationery()
    taxi()
    hotel()
    scan()
    broken()
