//! Interface strings in Vietnamese (default) and English.
//!
//! One table, one line per key: easy to review, and a test checks that every key a
//! template uses exists. Domain messages (validation) come from `ocop-domain`.

pub use ocop_domain::registry::Lang;
use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &[(&str, &str, &str)] = &[
    ("app.name", "Hệ thống thông tin OCOP", "OCOP information system"),
    ("app.short", "OCOP", "OCOP"),
    ("app.skip", "Bỏ qua đến nội dung chính", "Skip to main content"),
    ("app.demo_banner", "Dữ liệu minh họa (demo) – không phải số liệu chính thức.", "Demo data – not official records."),
    ("app.footer", "Chương trình Mỗi xã một sản phẩm (OCOP)", "One Commune One Product programme (OCOP)"),
    ("nav.main", "Điều hướng chính", "Main navigation"),
    ("nav.dashboard", "Tổng quan", "Overview"),
    ("nav.producers", "Chủ thể", "Producers"),
    ("nav.products", "Sản phẩm", "Products"),
    ("nav.units", "Đơn vị hành chính", "Administrative units"),
    ("nav.users", "Người dùng", "Users"),
    ("nav.account", "Tài khoản", "Account"),
    ("nav.logout", "Đăng xuất", "Log out"),
    ("nav.login", "Đăng nhập", "Log in"),
    ("nav.api", "API", "API"),
    ("login.title", "Đăng nhập", "Log in"),
    ("login.username", "Tên đăng nhập", "Username"),
    ("login.password", "Mật khẩu", "Password"),
    ("login.submit", "Đăng nhập", "Log in"),
    ("login.bad", "Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password."),
    ("login.disabled", "Tài khoản đã bị khóa bởi quản trị viên. Hãy liên hệ quản trị hệ thống.", "This account has been disabled by an administrator. Contact your administrator."),
    ("login.locked", "Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa đến", "Too many failed attempts. The account is locked until"),
    ("login.expired", "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.", "Your session has expired. Please log in again."),
    ("login.required", "Vui lòng đăng nhập để tiếp tục.", "Please log in to continue."),
    ("flash.logged_out", "Bạn đã đăng xuất.", "You have logged out."),
    ("flash.saved", "Đã lưu.", "Saved."),
    ("flash.created", "Đã tạo mới.", "Created."),
    ("flash.password_changed", "Đã đổi mật khẩu.", "Password changed."),
    ("flash.welcome", "Đăng nhập thành công.", "Logged in."),
    ("flash.photo_added", "Đã thêm ảnh.", "Photo added."),
    ("flash.photo_deleted", "Đã xóa ảnh.", "Photo deleted."),
    ("flash.err_photo_type", "Tệp không phải ảnh JPEG, PNG hoặc WebP. Ảnh chưa được lưu.", "The file is not a JPEG, PNG or WebP image. Nothing was saved."),
    ("flash.err_photo_size", "Ảnh quá lớn (tối đa 4 MB). Ảnh chưa được lưu.", "The photo is too large (4 MB at most). Nothing was saved."),
    ("flash.err_photo_many", "Mỗi sản phẩm có tối đa 8 ảnh. Hãy xóa bớt ảnh cũ.", "A product has at most 8 photos. Delete an old one first."),
    ("flash.err_photo_none", "Chưa chọn ảnh.", "No photo was chosen."),
    ("product.photos", "Ảnh sản phẩm", "Product photos"),
    ("product.photo_add", "Thêm ảnh", "Add a photo"),
    ("product.photo_file", "Chọn ảnh (JPEG, PNG, WebP; tối đa 4 MB)", "Choose a photo (JPEG, PNG, WebP; 4 MB at most)"),
    ("product.photo_delete", "Xóa ảnh", "Delete photo"),
    ("product.photo_delete_confirm", "Xóa ảnh này?", "Delete this photo?"),
    ("product.no_photos", "Chưa có ảnh.", "No photos yet."),
    ("err.title", "Có lỗi", "Error"),
    ("err.not_found", "Không tìm thấy trang hoặc bản ghi.", "Page or record not found."),
    ("err.forbidden", "Bạn không có quyền xem hoặc thay đổi nội dung này.", "You are not allowed to see or change this."),
    ("err.csrf", "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và gửi lại.", "The form has expired or is invalid. Reload the page and submit again."),
    ("err.conflict", "Bản ghi vừa được người khác sửa. Hãy tải lại để xem bản mới nhất rồi sửa lại.", "Someone else changed this record in the meantime. Reload to see the latest version, then edit again."),
    ("err.too_large", "Dữ liệu gửi lên quá lớn (tối đa 2 MB).", "The data sent is too large (2 MB at most)."),
    ("err.bad_request", "Yêu cầu không hợp lệ.", "Invalid request."),
    ("err.internal", "Hệ thống đang gặp sự cố. Vui lòng thử lại sau.", "Something went wrong on our side. Please try again later."),
    ("err.form", "Vui lòng sửa các lỗi được đánh dấu bên dưới.", "Please correct the marked errors below."),
    ("err.back_home", "Về trang tổng quan", "Back to the overview"),
    ("common.save", "Lưu", "Save"),
    ("common.export_xlsx", "Xuất Excel", "Export to Excel"),
    ("common.cancel", "Hủy", "Cancel"),
    ("common.edit", "Sửa", "Edit"),
    ("common.filter", "Lọc", "Filter"),
    ("common.all", "Tất cả", "All"),
    ("common.search", "Tìm kiếm", "Search"),
    ("common.prev", "‹ Trước", "‹ Previous"),
    ("common.next", "Sau ›", "Next ›"),
    ("common.page", "Trang", "Page"),
    ("common.of", "/", "of"),
    ("common.total", "Tổng số", "Total"),
    ("common.yes", "Có", "Yes"),
    ("common.no", "Không", "No"),
    ("common.none", "—", "—"),
    ("common.empty", "Không có bản ghi nào phù hợp.", "No matching records."),
    ("common.history", "Lịch sử thay đổi", "Change history"),
    ("common.history_empty", "Chưa có thay đổi.", "No changes yet."),
    ("common.show_changes", "Xem thay đổi", "Show changes"),
    ("common.field", "Trường", "Field"),
    ("common.before", "Trước", "Before"),
    ("common.after", "Sau", "After"),
    ("common.sort", "Sắp xếp", "Sort"),
    ("common.sort_name", "Tên A → Z", "Name A → Z"),
    ("common.sort_name_desc", "Tên Z → A", "Name Z → A"),
    ("common.sort_newest", "Mới nhất", "Newest"),
    ("common.sort_oldest", "Cũ nhất", "Oldest"),
    ("common.actions", "Thao tác", "Actions"),
    ("common.unit", "Địa bàn", "Area"),
    ("common.status", "Trạng thái", "Status"),
    ("common.required", "bắt buộc", "required"),
    ("common.created", "Ngày tạo", "Created"),
    ("common.updated", "Cập nhật", "Updated"),
    ("common.version", "Phiên bản", "Version"),
    ("history.create", "Tạo mới", "Created"),
    ("history.update", "Cập nhật", "Updated"),
    ("history.add_photo", "Thêm ảnh", "Photo added"),
    ("history.delete_photo", "Xóa ảnh", "Photo deleted"),
    ("history.self_assessment", "Lưu bản tự đánh giá", "Self-assessment saved"),
    ("history.change_password", "Đổi mật khẩu", "Password changed"),
    ("history.system", "Hệ thống", "System"),
    ("history.value", "Giá trị", "Value"),
    ("history.commune_name", "Tên xã/phường", "Commune name"),
    ("history.province_code", "Mã tỉnh", "Province code"),
    ("history.photo", "Ảnh số", "Photo no."),
    ("history.content_type", "Loại tệp", "File type"),
    ("history.size", "Dung lượng (byte)", "Size (bytes)"),
    ("dash.title", "Tổng quan", "Overview"),
    ("dash.producers", "Chủ thể OCOP", "OCOP producers"),
    ("dash.products", "Sản phẩm", "Products"),
    ("dash.certified", "Sản phẩm đã công nhận", "Certified products"),
    ("dash.in_progress", "Đang phát triển / đã nộp", "In development / submitted"),
    ("dash.scope", "Phạm vi của bạn", "Your area"),
    ("dash.scope_all", "Toàn quốc", "Whole country"),
    ("dash.by_status", "Sản phẩm theo trạng thái", "Products by status"),
    ("dash.quick", "Thao tác nhanh", "Quick actions"),
    ("producer.list_title", "Chủ thể OCOP", "OCOP producers"),
    ("producer.new", "+ Thêm chủ thể", "+ New producer"),
    ("producer.new_title", "Thêm chủ thể OCOP", "New OCOP producer"),
    ("producer.edit_title", "Sửa thông tin chủ thể", "Edit producer"),
    ("producer.name", "Tên chủ thể", "Producer name"),
    ("producer.legal_form", "Loại hình", "Legal form"),
    ("producer.tax_code", "Mã số thuế / số ĐKKD", "Tax / registration number"),
    ("producer.tax_code_hint", "10 chữ số (doanh nghiệp, HTX), 12 chữ số (số định danh) hoặc số ĐKKD hộ kinh doanh. Hộ sản xuất có thể để trống.", "10 digits (enterprise, cooperative), 12 digits (personal ID) or a household business registration. Production households may leave it empty."),
    ("producer.commune", "Xã / phường", "Commune / ward"),
    ("producer.commune_period", "Theo địa giới", "Boundaries of"),
    ("producer.period_post", "Sau 01/07/2025 (hiện hành)", "After 01/07/2025 (current)"),
    ("producer.period_pre", "Trước 01/07/2025", "Before 01/07/2025"),
    ("producer.address_detail", "Thôn / bản, số nhà", "Village, street"),
    ("producer.phone", "Điện thoại", "Phone"),
    ("producer.email", "Email", "E-mail"),
    ("producer.representative", "Người đại diện", "Representative"),
    ("producer.representative_name", "Họ tên người đại diện", "Representative's name"),
    ("producer.female", "Là phụ nữ", "Is a woman"),
    ("producer.ethnic_minority", "Là người dân tộc thiểu số", "Belongs to an ethnic minority"),
    ("producer.ethnicity", "Dân tộc", "Ethnic group"),
    ("producer.disability", "Là người khuyết tật", "Has a disability"),
    ("producer.community_hint", "Dùng cho tiêu chí sức mạnh cộng đồng (phần A).", "Used by the community-strength criterion (part A)."),
    ("producer.members", "Số thành viên", "Members"),
    ("producer.workers", "Số lao động", "Workers"),
    ("producer.year_founded", "Năm thành lập", "Year founded"),
    ("producer.products", "Sản phẩm của chủ thể", "This producer's products"),
    ("producer.add_product", "+ Thêm sản phẩm", "+ Add a product"),
    ("producer.choose", "— Chọn —", "— Choose —"),
    ("product.list_title", "Sản phẩm OCOP", "OCOP products"),
    ("product.new", "+ Thêm sản phẩm", "+ New product"),
    ("product.new_title", "Thêm sản phẩm", "New product"),
    ("product.edit_title", "Sửa thông tin sản phẩm", "Edit product"),
    ("product.name", "Tên sản phẩm", "Product name"),
    ("product.producer", "Chủ thể", "Producer"),
    ("product.set", "Bộ sản phẩm", "Product set"),
    ("product.set_qd26", "Theo QĐ 26/2026/QĐ-TTg (hiện hành)", "Under QĐ 26/2026/QĐ-TTg (in force)"),
    ("product.set_qd148", "Theo QĐ 148/QĐ-TTg (trước 22/05/2026)", "Under QĐ 148/QĐ-TTg (before 22/05/2026)"),
    ("product.code", "Mã sản phẩm", "Product code"),
    ("product.code_hint", "Cấp tự động: mã tỉnh – mã xã – số thứ tự – năm (QĐ 26/2026).", "Assigned automatically: province – commune – sequence – year (QĐ 26/2026)."),
    ("product.description", "Mô tả", "Description"),
    ("product.raw_material", "Nguồn gốc nguyên liệu", "Raw-material origin"),
    ("product.stars", "Hạng sao", "Stars"),
    ("product.stars_hint", "Chỉ với sản phẩm đã công nhận, hết hạn hoặc bị thu hồi.", "Only for certified, expired or revoked products."),
    ("product.no_stars", "Chưa xếp hạng", "Not rated"),
    ("nav.criteria", "Bộ tiêu chí", "Criteria"),
    ("criteria.title", "Bộ tiêu chí đánh giá, phân hạng", "Evaluation criteria"),
    ("criteria.intro", "Các văn bản quy định theo thời kỳ và phiếu đánh giá của 26 bộ sản phẩm. Một hồ sơ được đánh giá theo văn bản có hiệu lực tại ngày nộp.", "The rules of each period and the scoring sheets of the 26 product sets. A dossier is evaluated under the rules in force on its filing date."),
    ("criteria.in_force", "Đang có hiệu lực", "In force"),
    ("criteria.sets", "Bộ sản phẩm", "Product sets"),
    ("criteria.sector", "Ngành · nhóm", "Sector · group"),
    ("criteria.broken", "Chưa dùng được", "Not usable"),
    ("criteria.sheet", "Phiếu đánh giá", "Scoring sheet"),
    ("criteria.print", "In phiếu", "Print"),
    ("criteria.rulebook", "Văn bản áp dụng", "Rulebook"),
    ("criteria.elimination", "Hồ sơ bị loại khi", "Eliminated when"),
    ("criteria.knockouts", "Điều kiện loại", "Knock-outs"),
    ("criteria.legend", "Dấu sao là yêu cầu tối thiểu phải đạt theo các cấp độ sao (★★★ – 3 sao; ★★★★ – 4 sao; ★★★★★ – 5 sao).", "Stars mark the minimum required for each star level (★★★ – 3 stars; ★★★★ – 4 stars; ★★★★★ – 5 stars)."),
    ("criteria.line", "Tiêu chí", "Criterion"),
    ("criteria.points", "Điểm", "Points"),
    ("criteria.marks", "Bắt buộc", "Mandatory"),
    ("criteria.yes_no", "Có/Không", "Yes/No"),
    ("criteria.commune", "Cấp xã đánh giá", "Scored by the commune"),
    ("criteria.total", "TỔNG CỘNG", "TOTAL"),
    ("sa.title", "Tự đánh giá", "Self-assessment"),
    ("sa.open", "Tự đánh giá sản phẩm", "Self-assess the product"),
    ("sa.help", "Chọn một mức cho mỗi tiêu chí. Tổng điểm và những gì còn thiếu để đạt hạng sao tiếp theo được tính lại ngay. Bấm Lưu để giữ lại và làm tiếp lúc khác.", "Pick one level for each criterion. The total and what the next star still needs are recomputed at once. Save to keep your answers and continue later."),
    ("sa.total", "Tổng điểm", "Total"),
    ("sa.result", "Kết quả dự kiến", "Expected result"),
    ("sa.stars", "sao", "stars"),
    ("sa.recognisable", "Đủ điều kiện công nhận", "Could be recognised"),
    ("sa.not_yet", "Chưa đủ 3 sao", "Not yet 3 stars"),
    ("sa.answered", "đã chọn", "answered"),
    ("sa.for_next", "Để đạt", "To reach"),
    ("sa.need", "cần thêm", "needs"),
    ("sa.more_points", "điểm", "more points"),
    ("sa.marks_to_meet", "tiêu chí bắt buộc chưa đạt", "mandatory marks not met"),
    ("sa.at_least", "tối thiểu", "at least"),
    ("sa.points_for", "điểm cho", "points for"),
    ("sa.choose_one", "Chọn một mức", "Pick one level"),
    ("sa.save", "Lưu bản tự đánh giá", "Save the self-assessment"),
    ("sa.saved_at", "Lưu lúc", "Saved"),
    ("unit.title", "Đơn vị hành chính", "Administrative units"),
    ("unit.period", "Giai đoạn", "Period"),
    ("unit.code", "Mã", "Code"),
    ("unit.name", "Tên", "Name"),
    ("unit.level", "Cấp", "Level"),
    ("unit.parent", "Trực thuộc", "Under"),
    ("unit.children", "Đơn vị trực thuộc", "Units under it"),
    ("unit.aliases", "Tên gọi khác", "Other spellings"),
    ("unit.successor", "Sáp nhập vào (từ 01/07/2025)", "Merged into (from 01/07/2025)"),
    ("unit.predecessors", "Hình thành từ (trước 01/07/2025)", "Formed from (before 01/07/2025)"),
    ("unit.valid", "Hiệu lực", "In force"),
    ("unit.until", "đến 30/06/2025", "until 30/06/2025"),
    ("unit.from", "từ 01/07/2025", "from 01/07/2025"),
    ("unit.reform_note", "Từ 01/07/2025 bỏ cấp huyện và sáp nhập xã. Một mã chỉ xác định duy nhất khi đi kèm giai đoạn.", "Since 01/07/2025 districts are abolished and communes merged. A code identifies a unit only together with its period."),
    ("account.title", "Tài khoản của tôi", "My account"),
    ("account.change_password", "Đổi mật khẩu", "Change password"),
    ("account.old_password", "Mật khẩu hiện tại", "Current password"),
    ("account.new_password", "Mật khẩu mới", "New password"),
    ("account.new_password2", "Nhập lại mật khẩu mới", "Repeat the new password"),
    ("account.password_hint", "Ít nhất 8 ký tự.", "At least 8 characters."),
    ("account.wrong_old", "Mật khẩu hiện tại không đúng.", "The current password is wrong."),
    ("account.mismatch", "Hai mật khẩu mới không khớp.", "The two new passwords differ."),
    ("account.too_short", "Mật khẩu phải có ít nhất 8 ký tự.", "The password must have at least 8 characters."),
    ("account.too_simple", "Mật khẩu quá đơn giản.", "The password is too simple."),
    ("account.too_long", "Mật khẩu quá dài.", "The password is too long."),
    ("account.role", "Vai trò", "Role"),
    ("account.scope", "Phạm vi", "Scope"),
    ("user.list_title", "Quản lý người dùng", "Users"),
    ("user.new", "+ Thêm người dùng", "+ New user"),
    ("user.new_title", "Thêm người dùng", "New user"),
    ("user.edit_title", "Sửa người dùng", "Edit user"),
    ("user.username", "Tên đăng nhập", "Username"),
    ("user.display_name", "Họ tên", "Full name"),
    ("user.role", "Vai trò", "Role"),
    ("user.unit", "Đơn vị quản lý (mã)", "Unit (code)"),
    ("user.unit_hint", "Bắt buộc với cán bộ tỉnh, huyện, xã. Ví dụ 12 (tỉnh Lai Châu), 03388. Để trống: toàn quốc.", "Required for province, district and commune officers. E.g. 12 (Lai Châu province), 03388. Empty: whole country."),
    ("user.unit_period", "Giai đoạn của mã", "Period of the code"),
    ("user.producer", "Chủ thể (với tài khoản chủ thể)", "Producer (for producer accounts)"),
    ("user.password", "Mật khẩu", "Password"),
    ("user.new_password", "Đặt mật khẩu mới (để trống nếu không đổi)", "Set a new password (leave empty to keep)"),
    ("user.disabled", "Vô hiệu hóa tài khoản", "Disable the account"),
    ("user.state", "Tình trạng", "State"),
    ("user.active", "Hoạt động", "Active"),
    ("user.is_disabled", "Đã vô hiệu hóa", "Disabled"),
    ("user.last_login", "Đăng nhập gần nhất", "Last login"),
    ("user.taken", "Tên đăng nhập đã có người dùng.", "This username is taken."),
    ("user.bad_username", "Tên đăng nhập 3–64 ký tự: chữ không dấu, số, dấu . _ - @", "Username: 3–64 characters: letters, digits, . _ - @"),
    ("user.unit_required", "Vai trò này cần đơn vị quản lý.", "This role needs a unit."),
    ("user.unit_unknown", "Không có đơn vị với mã này trong giai đoạn đã chọn.", "No unit has this code in the chosen period."),
    ("user.producer_required", "Tài khoản chủ thể cần chọn chủ thể.", "A producer account needs a producer."),
];

fn map() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static M: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    M.get_or_init(|| TABLE.iter().map(|(k, v, e)| (*k, (*v, *e))).collect())
}

/// The string for `key`; the key itself when missing (visible, and caught by tests).
pub fn t(lang: Lang, key: &str) -> &'static str {
    match map().get(key) {
        Some((vi, en)) => match lang {
            Lang::Vi => vi,
            Lang::En => en,
        },
        None => {
            tracing::warn!(key, "missing interface string");
            "[?]"
        }
    }
}

/// Does the table hold this key?
pub fn has(key: &str) -> bool {
    map().contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_filled() {
        let mut seen = std::collections::HashSet::new();
        for (k, vi, en) in TABLE {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!vi.is_empty() && !en.is_empty(), "{k}");
        }
    }

    #[test]
    fn every_key_used_in_templates_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let re_start = "t(\"";
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let mut rest = text.as_str();
            while let Some(i) = rest.find(re_start) {
                rest = &rest[i + re_start.len()..];
                let end = rest.find('"').unwrap();
                let key = &rest[..end];
                assert!(has(key), "{}: missing key {key}", path.display());
            }
        }
    }
}
