"Round trips, metadata, limits, fuzzing and failed writes of enhance5k.io."
import io, os, time
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from PIL import Image as PILImage
from enhance5k.core import Enhance5kError, ImageTooLargeError, InvalidImageError, UnsupportedFormatError, OutputError
from enhance5k.io import Image, ImageMeta, read_image, write_image, encode_image, to_tensor, from_tensor, alpha_to_tensor
from conftest import png_chunk, fake_icc, shared

rng = np.random.default_rng(0)
RGB8 = rng.integers(0, 256, (24, 32, 3), dtype=np.uint8)
A8 = rng.integers(0, 256, (24, 32), dtype=np.uint8)
RGB16 = rng.integers(0, 65536, (24, 32, 3), dtype=np.uint16)
A16 = rng.integers(0, 65536, (24, 32), dtype=np.uint16)

@pytest.mark.parametrize('fmt', ['png', 'tiff', 'bmp'])
@pytest.mark.parametrize('alpha', [False, True])
def test_lossless_roundtrip_8bit(tmp_path, fmt, alpha):
    img = Image(RGB8, A8 if alpha else None)
    if alpha and fmt == 'bmp':   # BMP, like JPEG, cannot hold alpha: refused unless asked to flatten
        with pytest.raises(UnsupportedFormatError, match='alpha'): write_image(img, tmp_path/f'a.{fmt}')
        assert list(tmp_path.iterdir()) == []
        back = read_image(write_image(img, tmp_path/f'a.{fmt}', convert=True)); assert back.alpha is None
        return
    back = read_image(write_image(img, tmp_path/f'a.{fmt}'))
    assert back.bits == 8 and back.meta.format == {'png': 'PNG', 'tiff': 'TIFF', 'bmp': 'BMP'}[fmt]
    np.testing.assert_array_equal(back.rgb, RGB8)
    if alpha: np.testing.assert_array_equal(back.alpha, A8)
    else: assert back.alpha is None

@pytest.mark.parametrize('fmt', ['png', 'tiff'])
@pytest.mark.parametrize('alpha', [False, True])
def test_lossless_roundtrip_16bit(tmp_path, fmt, alpha):
    img = Image(RGB16, A16 if alpha else None)
    back = read_image(write_image(img, tmp_path/f'a.{fmt}'))
    assert back.bits == 16 and back.rgb.dtype == np.uint16
    np.testing.assert_array_equal(back.rgb, RGB16)
    if alpha: np.testing.assert_array_equal(back.alpha, A16)

def test_16bit_through_tensor(tmp_path):
    img = Image(RGB16, A16)
    t = to_tensor(img)
    back = from_tensor(t, bits=16, alpha=alpha_to_tensor(img), meta=img.meta)
    np.testing.assert_array_equal(back.rgb, RGB16); np.testing.assert_array_equal(back.alpha, A16)
    assert read_image(write_image(back, tmp_path/'b.png')).bits == 16

def test_16bit_detected_from_header_not_values(tmp_path):
    "A 16-bit PNG whose values are all multiples of 257 (look 8-bit) stays 16-bit."
    a = (RGB8.astype(np.uint16) * 257)
    assert read_image(write_image(Image(a), tmp_path/'c.png')).bits == 16

@pytest.mark.parametrize('fmt,tol', [('jpg', 3), ('webp', 3)])
def test_lossy_roundtrip(tmp_path, fmt, tol):
    yy, xx = np.mgrid[0:24, 0:32]
    smooth = np.dstack([xx * 8, yy * 10, (xx + yy) * 4]).astype(np.uint8)
    back = read_image(write_image(Image(smooth), tmp_path/f'a.{fmt}', quality=100))
    assert back.rgb.shape == smooth.shape
    assert np.abs(back.rgb.astype(int) - smooth).mean() < tol

def test_png16_reads_other_encoders(tmp_path):
    "16-bit PNGs written by OpenCV (libpng, adaptive filters) decode to the same values."
    cv2 = pytest.importorskip('cv2')
    a = np.ascontiguousarray(RGB16[..., ::-1])
    ok, buf = cv2.imencode('.png', a, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    np.testing.assert_array_equal(read_image(buf.tobytes()).rgb, RGB16)

def test_png16_interlaced():
    "Adam7-interlaced 16-bit PNG, built pass by pass."
    import struct, zlib
    h, w = RGB16.shape[:2]; raw = b''
    for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)):
        sub = RGB16[y0::dy, x0::dx]
        if sub.size == 0: continue
        rows = sub.astype('>u2').view(np.uint8).reshape(sub.shape[0], -1)
        raw += b''.join(b'\x00' + r.tobytes() for r in rows)
    data = (b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 16, 2, 0, 0, 1))
            + png_chunk(b'IDAT', zlib.compress(raw)) + png_chunk(b'IEND', b''))
    np.testing.assert_array_equal(read_image(data).rgb, RGB16)

@pytest.mark.parametrize('compression', ['lzw', 'zlib', 'packbits', 'jpeg'])
def test_compressed_tiffs_as_photo_editors_write_them(compression):
    "16-bit TIFFs with the compressions Photoshop, Lightroom and Capture One offer (LZW, ZIP, PackBits), and an 8-bit JPEG-in-TIFF, read with their pixels (LZW and PackBits need imagecodecs under tifffile)."
    import tifffile
    smooth = np.clip(np.add.outer(np.arange(24) * 5, np.arange(32) * 4)[..., None] + np.array([0, 30, 60]), 0, 255).astype(np.uint8)
    a = smooth if compression == 'jpeg' else RGB16; b = io.BytesIO()
    tifffile.imwrite(b, a, photometric='rgb', compression=compression)
    back = read_image(b.getvalue()); assert (back.size, back.bits) == ((32, 24), 8 if compression == 'jpeg' else 16)
    if compression == 'jpeg': assert np.abs(back.rgb.astype(int) - a).mean() < 3  # lossy, but the photo
    else: np.testing.assert_array_equal(back.rgb, a)

def test_16bit_png_of_a_photo_editor_is_decoded_exactly():
    "A 16-bit PNG written by libpng with each row filter and with its adaptive choice (ours writes Up only) reads back exactly."
    import imagecodecs
    for f in (None, *imagecodecs.PNG.FILTER):
        np.testing.assert_array_equal(read_image(imagecodecs.png_encode(RGB16, filter=f)).rgb, RGB16)

@pytest.mark.parametrize('fmt', ['png', 'jpg', 'webp', 'tiff'])
@pytest.mark.parametrize('bits', [8, 16])
def test_icc_and_exif_kept(tmp_path, fmt, bits):
    icc = fake_icc()
    ex = PILImage.Exif(); ex[0x010F] = 'enhance5k-test'; ex[0x0112] = 1
    meta = ImageMeta(icc=icc, exif=ex.tobytes())
    img = Image(RGB16 if bits == 16 else RGB8, meta=meta)
    p = write_image(img, tmp_path/f'a.{fmt}', convert=True)   # 16-bit to JPEG/WebP: rounded to 8 bits, as asked
    back = read_image(p)
    assert back.meta.icc == icc, 'ICC profile bytes differ after the round trip'
    assert PILImage.open(p).info.get('icc_profile') == icc
    if not (fmt == 'tiff' and bits == 16):   # EXIF is not written to 16-bit TIFF (documented)
        e = PILImage.Exif(); e.load(back.meta.exif)
        assert e[0x010F] == 'enhance5k-test'

@pytest.mark.parametrize('orientation', range(1, 9))
def test_orientation_applied_and_reset(tmp_path, orientation):
    from PIL import ImageOps
    ex = PILImage.Exif(); ex[0x0112] = orientation
    ex.get_ifd(0x8769)[0xA002] = 32; ex.get_ifd(0x8769)[0xA003] = 24
    b = io.BytesIO(); PILImage.fromarray(RGB8).save(b, 'JPEG', exif=ex.tobytes(), quality=95)
    img = read_image(b.getvalue())
    want = np.asarray(ImageOps.exif_transpose(PILImage.open(io.BytesIO(b.getvalue()))))
    np.testing.assert_array_equal(img.rgb, want)
    out = PILImage.open(write_image(img, tmp_path/'o.jpg')).getexif()
    assert out[0x0112] == 1
    assert (out.get_ifd(0x8769)[0xA002], out.get_ifd(0x8769)[0xA003]) == img.size

def test_modes_become_rgb():
    for mode in ['L', 'P', 'LA', 'I;16', 'CMYK', '1']:
        im = PILImage.new(mode, (5, 4))
        b = io.BytesIO(); im.save(b, 'TIFF' if mode == 'CMYK' else 'PNG')
        img = read_image(b.getvalue())
        assert img.rgb.shape == (4, 5, 3), mode
        assert img.has_alpha == (mode == 'LA'), mode
        assert img.bits == (16 if mode == 'I;16' else 8), mode

def test_inputs_path_bytes_file(tmp_path):
    p = write_image(Image(RGB8), tmp_path/'x.png')
    for src in (p, str(p), p.read_bytes(), open(p, 'rb'), io.BytesIO(p.read_bytes())):
        np.testing.assert_array_equal(read_image(src).rgb, RGB8)

def test_format_by_magic_not_name(tmp_path):
    p = write_image(Image(RGB8), tmp_path/'x.png'); q = tmp_path/'x.jpg'; q.write_bytes(p.read_bytes())
    assert read_image(q).meta.format == 'PNG'
    g = tmp_path/'x.gif'; PILImage.new('RGB', (4, 4)).save(g, 'GIF')
    with pytest.raises(UnsupportedFormatError): read_image(g)
    with pytest.raises(InvalidImageError): read_image(tmp_path/'missing.png')
    with pytest.raises(InvalidImageError): read_image(12)

def bomb_png(w=30000, h=30000):
    import struct, zlib
    return (b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + png_chunk(b'IDAT', zlib.compress(b'\x00' * 100)) + png_chunk(b'IEND', b''))

def test_pixel_limit_before_decoding():
    data = bomb_png(); assert len(data) < 200
    t = time.perf_counter()
    with pytest.raises(ImageTooLargeError, match='limit'): read_image(data)
    assert time.perf_counter() - t < 1.0
    with pytest.raises(ImageTooLargeError): read_image(bomb_png(8000, 8000))        # 64 MP > 50 MP default
    with pytest.raises(ImageTooLargeError): read_image(encode_image(Image(RGB8)), max_pixels=100)
    with pytest.raises(InvalidImageError): read_image(bomb_png(8000, 8000), max_pixels=100_000_000)  # allowed, but truncated

def test_pixel_limit_from_environment(monkeypatch):
    monkeypatch.setenv('ENHANCE5K_MAX_PIXELS', '100')
    with pytest.raises(ImageTooLargeError): read_image(encode_image(Image(RGB8)))

def test_byte_limit(tmp_path):
    p = write_image(Image(RGB8), tmp_path/'x.png')
    for src in (p, p.read_bytes(), io.BytesIO(p.read_bytes())):
        with pytest.raises(ImageTooLargeError): read_image(src, max_bytes=100)

def test_truncated_and_corrupt_are_named_errors():
    for fmt in ('PNG', 'JPEG', 'WEBP', 'TIFF', 'BMP'):
        data = encode_image(Image(RGB8), fmt)
        for cut in (20, len(data) // 2, len(data) - 40):   # (a PNG missing only its checksums and IEND still decodes whole)
            with pytest.raises(Enhance5kError): read_image(data[:cut])

SEEDS = [encode_image(Image(RGB8), f) for f in ('PNG', 'JPEG', 'WEBP', 'TIFF', 'BMP')] + \
        [encode_image(Image(RGB16, A16), 'PNG'), encode_image(Image(RGB16), 'TIFF'), encode_image(Image(RGB8, A8), 'PNG')]

@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(['flip', 'set', 'insert', 'delete']))
        i = draw(st.integers(0, len(data) - 1))
        if kind == 'flip': data[i] ^= 1 << draw(st.integers(0, 7))
        elif kind == 'set': data[i] = draw(st.integers(0, 255))
        elif kind == 'insert': data[i:i] = draw(st.binary(min_size=1, max_size=16))
        elif len(data) > 2: del data[i:i + draw(st.integers(1, 64))]
    if draw(st.booleans()): data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)

@settings(max_examples=1200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(mutated())
def test_fuzz_read_decodes_or_raises_named_error(data):
    try: img = read_image(data)
    except Enhance5kError: return
    assert img.rgb.ndim == 3 and img.rgb.shape[2] == 3 and img.rgb.dtype in (np.uint8, np.uint16)

def test_write_never_overwrites_unless_asked(tmp_path):
    p = write_image(Image(RGB8), tmp_path/'x.png'); before = p.read_bytes()
    with pytest.raises(OutputError, match='exists'): write_image(Image(RGB16), p)
    assert p.read_bytes() == before
    write_image(Image(RGB16), p, overwrite=True)
    assert read_image(p).bits == 16

def test_write_into_vanished_folder_leaves_nothing(tmp_path):
    d = tmp_path/'gone'; d.mkdir(); d.rmdir()
    with pytest.raises(OutputError, match='does not exist'): write_image(Image(RGB8), d/'x.png')
    assert not d.exists()

def test_write_into_read_only_folder_leaves_nothing(tmp_path, monkeypatch):
    d = tmp_path/'ro'; d.mkdir(); os.chmod(d, 0o555)
    try:
        if os.geteuid() == 0:   # root ignores the mode bits: simulate the read-only filesystem's refusal mid-write
            def refuse(*a, **k): raise OSError(30, 'Read-only file system')
            monkeypatch.setattr(os, 'fsync', refuse)
        with pytest.raises(OutputError): write_image(Image(RGB8), d/'x.png')
        assert list(d.iterdir()) == []
    finally: os.chmod(d, 0o755)

def test_folder_vanishing_mid_write_leaves_nothing(tmp_path, monkeypatch):
    d = tmp_path/'v'; d.mkdir()
    def vanish(src, dst): raise FileNotFoundError(2, 'No such file or directory')
    monkeypatch.setattr(os, 'link', vanish)
    with pytest.raises(OutputError): write_image(Image(RGB8), d/'x.png')
    assert list(d.iterdir()) == []

def test_shared_photo_reads(tmp_path):
    photos = shared('photos')
    for f in sorted(photos.glob('*.jpg'))[:2]:
        img = read_image(f)
        assert img.bits == 8 and max(img.size) == 2560
