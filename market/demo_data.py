"""The demo commune's facts: Sơn La province after the 2025 merger, five producers.

Kept apart from the command so the command reads as steps and this reads as data.
Names are invented but typical; communes are real 2025 units, looked up by name.
"""

PROVINCE_CODE = 14  # Sơn La

CATEGORIES = ["Đồ uống", "Thực phẩm chế biến", "Nông sản tươi", "Thủ công mỹ nghệ", "Dược liệu"]

# slug, display name, legal name, kind, commune, address, phone, tax code, story
COOPERATIVES = [
    ("htx-ca-phe-chieng-mai", "HTX Cà phê Chiềng Mai", "Hợp tác xã Nông nghiệp Cà phê Chiềng Mai", "htx",
     "Xã Chiềng Mai", "Bản Nà Hạ", "0212 3850 111", "5500612345",
     "Hơn 120 hộ trồng cà phê Arabica trên đồi cao 700 m. Quả chín được hái tay, sơ chế ướt ngay trong ngày."),
    ("htx-mien-dong-muong-bu", "HTX Miến dong Mường Bú", "Hợp tác xã Dịch vụ Nông nghiệp Mường Bú", "htx",
     "Xã Mường Bú", "Bản Bú", "0212 3831 222", "5500623456",
     "Miến làm từ củ dong riềng trồng tại bản, phơi nắng tự nhiên, không chất tẩy trắng."),
    ("htx-che-shan-tuyet-ta-xua", "HTX Chè Shan tuyết Tà Xùa", "Hợp tác xã Chè Shan tuyết Tà Xùa", "htx",
     "Xã Tà Xùa", "Bản Bẹ", "0212 3863 333", "5500634567",
     "Những cây chè cổ thụ trên 100 năm tuổi, búp phủ lông trắng như tuyết, do bà con H'Mông thu hái."),
    ("htx-nong-san-moc-chau", "HTX Nông sản Mộc Châu", "Hợp tác xã Nông sản sạch Mộc Châu", "htx",
     "Phường Mộc Châu", "Tiểu khu 40", "0212 3866 444", "5500645678",
     "Mận hậu, bơ sáp và sữa từ cao nguyên Mộc Châu, trồng theo VietGAP."),
    ("tht-tho-cam-chieng-hac", "Tổ hợp tác Thổ cẩm Chiềng Hặc", "Tổ hợp tác Dệt thổ cẩm Chiềng Hặc", "tht",
     "Xã Chiềng Hặc", "Bản Cọ", "0912 345 678", "",
     "Hai mươi chị em người Thái giữ nghề dệt tay, nhuộm chàm và vỏ cây rừng."),
]

# upc, cooperative slug, category, title, unit, price, stock, stars, level, years valid left (negative: expired)
PRODUCTS = [
    ("SL-CP-01", "htx-ca-phe-chieng-mai", "Đồ uống", "Cà phê Arabica rang xay Chiềng Mai", "gói 500 g", 185000, 60, 4, "provincial", 2),
    ("SL-CP-02", "htx-ca-phe-chieng-mai", "Đồ uống", "Cà phê hạt rang mộc", "gói 1 kg", 340000, 25, 4, "provincial", 2),
    ("SL-CP-03", "htx-ca-phe-chieng-mai", "Đồ uống", "Cà phê phin giấy", "hộp 10 túi", 95000, 80, 3, "provincial", 1),
    ("SL-CP-04", "htx-ca-phe-chieng-mai", "Đồ uống", "Cà phê Culi đặc biệt", "gói 250 g", 125000, 0, 5, "national", 2),
    ("SL-CP-05", "htx-ca-phe-chieng-mai", "Thực phẩm chế biến", "Mật ong hoa cà phê", "chai 500 ml", 220000, 30, 3, "provincial", -1),
    ("SL-MD-01", "htx-mien-dong-muong-bu", "Thực phẩm chế biến", "Miến dong Mường Bú", "gói 500 g", 65000, 200, 4, "provincial", 2),
    ("SL-MD-02", "htx-mien-dong-muong-bu", "Thực phẩm chế biến", "Miến dong sợi nhỏ", "gói 1 kg", 120000, 90, 3, "provincial", 1),
    ("SL-MD-03", "htx-mien-dong-muong-bu", "Thực phẩm chế biến", "Bột dong riềng nguyên chất", "gói 500 g", 55000, 40, 3, "provincial", 2),
    ("SL-MD-04", "htx-mien-dong-muong-bu", "Thực phẩm chế biến", "Măng khô Mường Bú", "gói 300 g", 98000, 35, 3, "provincial", -2),
    ("SL-MD-05", "htx-mien-dong-muong-bu", "Nông sản tươi", "Gạo nếp Tan", "túi 5 kg", 150000, 50, 4, "provincial", 1),
    ("SL-CH-01", "htx-che-shan-tuyet-ta-xua", "Đồ uống", "Chè Shan tuyết cổ thụ Tà Xùa", "hộp 200 g", 450000, 20, 5, "national", 2),
    ("SL-CH-02", "htx-che-shan-tuyet-ta-xua", "Đồ uống", "Hồng trà Shan tuyết", "hộp 100 g", 280000, 15, 4, "provincial", 2),
    ("SL-CH-03", "htx-che-shan-tuyet-ta-xua", "Đồ uống", "Bạch trà Tà Xùa", "hộp 50 g", 520000, 8, 5, "national", 1),
    ("SL-CH-04", "htx-che-shan-tuyet-ta-xua", "Đồ uống", "Chè xanh túi lọc", "hộp 25 túi", 75000, 100, 3, "provincial", 2),
    ("SL-CH-05", "htx-che-shan-tuyet-ta-xua", "Dược liệu", "Trà giảo cổ lam", "gói 200 g", 90000, 45, 3, "provincial", 1),
    ("SL-MC-01", "htx-nong-san-moc-chau", "Nông sản tươi", "Mận hậu Mộc Châu", "thùng 5 kg", 200000, 70, 4, "provincial", 1),
    ("SL-MC-02", "htx-nong-san-moc-chau", "Nông sản tươi", "Bơ sáp Mộc Châu", "thùng 3 kg", 165000, 40, 3, "provincial", 2),
    ("SL-MC-03", "htx-nong-san-moc-chau", "Thực phẩm chế biến", "Ô mai mận Mộc Châu", "hộp 300 g", 85000, 120, 3, "provincial", 2),
    ("SL-MC-04", "htx-nong-san-moc-chau", "Thực phẩm chế biến", "Sữa chua nếp cẩm", "hộp 6 cốc", 60000, 0, 4, "provincial", 1),
    ("SL-MC-05", "htx-nong-san-moc-chau", "Thực phẩm chế biến", "Thịt trâu gác bếp", "gói 500 g", 480000, 25, 5, "provincial", 2),
    ("SL-MC-06", "htx-nong-san-moc-chau", "Dược liệu", "Tam thất bắc", "hộp 100 g", 350000, 12, 4, "provincial", 2),
    ("SL-TC-01", "tht-tho-cam-chieng-hac", "Thủ công mỹ nghệ", "Khăn piêu thêu tay", "chiếc", 380000, 10, 4, "provincial", 2),
    ("SL-TC-02", "tht-tho-cam-chieng-hac", "Thủ công mỹ nghệ", "Túi thổ cẩm nhuộm chàm", "chiếc", 250000, 18, 3, "provincial", 1),
    ("SL-TC-03", "tht-tho-cam-chieng-hac", "Thủ công mỹ nghệ", "Gối tựa thổ cẩm", "chiếc", 210000, 22, 3, "provincial", 2),
    ("SL-TC-04", "tht-tho-cam-chieng-hac", "Thủ công mỹ nghệ", "Khăn trải bàn thổ cẩm", "chiếc 1,2 × 1,8 m", 560000, 5, 3, "provincial", 2),
    ("SL-TC-05", "tht-tho-cam-chieng-hac", "Dược liệu", "Lá tắm người Dao", "gói 10 lần tắm", 70000, 60, 3, "provincial", 2),
]

NEWS = [
    ("phien-cho-ocop-thang-11", "Phiên chợ OCOP tháng 11 tại trung tâm xã", 12,
     "Hơn 30 gian hàng của các hợp tác xã trong tỉnh tham gia phiên chợ cuối tuần.",
     "<p>Phiên chợ OCOP diễn ra vào sáng thứ Bảy tại sân nhà văn hoá xã. Bà con có thể thanh toán bằng mã QR "
     "tại mọi gian hàng.</p>"),
    ("tap-huan-ban-hang-truc-tuyen", "Tập huấn bán hàng trực tuyến cho hợp tác xã", 30,
     "Tổ công nghệ số cộng đồng hướng dẫn chụp ảnh sản phẩm và đăng bán trên Chợ Số.",
     "<p>Mỗi hợp tác xã cử 1–2 thành viên tham gia. Học viên được hướng dẫn cập nhật giá, tồn kho và chứng nhận "
     "OCOP ngay trên điện thoại.</p>"),
    ("cong-nhan-san-pham-ocop-2025", "Tỉnh công nhận thêm 12 sản phẩm OCOP", 55,
     "Trong đó có 2 sản phẩm đạt 5 sao cấp quốc gia.",
     "<p>Hội đồng đánh giá cấp tỉnh đã công nhận 12 sản phẩm đạt từ 3 đến 5 sao. Giấy chứng nhận có hiệu lực "
     "36 tháng.</p>"),
]

PALETTE = [(31, 111, 67), (150, 90, 40), (183, 121, 31), (74, 98, 140), (140, 60, 80), (60, 120, 120)]
