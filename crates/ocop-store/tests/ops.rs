//! Issue 10: the anchored audit chain and backup/restore, against a real database —
//! SQLite in a temporary folder, or PostgreSQL when `TEST_DATABASE_URL` is set
//! (each test creates its own `ocop_t_…` database there).
//!
//! ```sh
//! cargo test -p ocop-store --test ops
//! TEST_DATABASE_URL=postgres://postgres@127.0.0.1/postgres cargo test -p ocop-store --test ops
//! ```

use ocop_store::audit::{self, Actor, AuditKey, Verdict};
use ocop_store::entities::{audit_checkpoint, audit_entry};
use ocop_store::{backup, connect, demo, migrations, users, Db, OpenMode};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

fn pg_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// One key for the whole test binary, also installed (so [`audit::record`] seals the
/// chain every hundred entries, as in `ocop serve`): tests run side by side in this
/// process and must not sign with different keys.
fn key() -> AuditKey {
    static KEY: std::sync::OnceLock<AuditKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        let k = AuditKey::generate();
        audit::install_key(k.clone());
        k
    })
    .clone()
}

/// A temporary folder, removed on drop.
struct Tmp(PathBuf);
impl Tmp {
    fn new() -> Tmp {
        let d = std::env::temp_dir().join(format!(
            "ocop-ops-it-{}-{}",
            std::process::id(),
            users::random_token(6)
        ));
        std::fs::create_dir_all(&d).unwrap();
        Tmp(d)
    }
}
impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new, migrated database with the reference units (as `ocop migrate` leaves it).
async fn fresh(tmp: &Tmp, name: &str) -> Db {
    let db = match pg_url() {
        Some(url) => {
            let admin = connect(&url, OpenMode::MustExist).await.unwrap();
            let db_name = format!("ocop_t_{}", users::random_token(8));
            admin
                .conn
                .execute_unprepared(&format!("CREATE DATABASE {db_name}"))
                .await
                .unwrap();
            let _ = admin.conn.close().await;
            let mut u = url::Url::parse(&url).unwrap();
            u.set_path(&format!("/{db_name}"));
            connect(u.as_str(), OpenMode::MustExist).await.unwrap()
        }
        None => {
            let url = format!("sqlite://{}/{name}.db", tmp.0.display());
            connect(&url, OpenMode::CreateFile).await.unwrap()
        }
    };
    migrations::run(&db.conn).await.unwrap();
    demo::ensure_units(&db.conn).await.unwrap();
    db
}

async fn add_entries(db: &Db, n: i64) {
    for i in 0..n {
        audit::record(
            &db.conn,
            &Actor::system("test"),
            "thing",
            i,
            "edit",
            None,
            Some(serde_json::json!({"n": i})),
        )
        .await
        .unwrap();
    }
}

async fn entries(db: &Db) -> Vec<audit_entry::Model> {
    audit_entry::Entity::find()
        .order_by_asc(audit_entry::Column::Id)
        .all(&db.conn)
        .await
        .unwrap()
}

/// What an attacker with database access but no key does: recompute every hash.
fn attacker_hash(prev: &str, e: &audit_entry::Model) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        &e.actor_id.map(|x| x.to_string()).unwrap_or_default(),
        &e.actor,
        &e.entity,
        &e.entity_id.to_string(),
        &e.action,
        e.before.as_deref().unwrap_or(""),
        e.after.as_deref().unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

#[track_caller]
fn assert_broken_checkpoint(v: &Verdict, words: &str) {
    match v {
        Verdict::BrokenCheckpoint { reason, .. } => {
            assert!(reason.contains(words), "{reason}")
        }
        other => panic!("expected a broken checkpoint ({words}), got {other:?}"),
    }
}

#[tokio::test]
async fn checkpoints_catch_an_edit_a_deleted_tail_and_a_recomputed_chain() {
    let tmp = Tmp::new();
    let key = key();

    // Intact: 0, with the checkpoints counted; without the key they cannot be checked.
    let db = fresh(&tmp, "a").await;
    add_entries(&db, 12).await;
    let cp = audit::checkpoint(&db.conn, &key).await.unwrap().unwrap();
    assert_eq!((cp.seq, cp.entry_count), (1, 12));
    assert!(
        audit::checkpoint(&db.conn, &key).await.unwrap().is_none(),
        "nothing new to seal"
    );
    add_entries(&db, 3).await;
    let cp = audit::checkpoint(&db.conn, &key).await.unwrap().unwrap();
    assert_eq!((cp.seq, cp.entry_count), (2, 15));
    let all = entries(&db).await;
    assert_eq!(
        audit::verify_anchored(&db.conn, Some(&key)).await.unwrap(),
        Verdict::Intact {
            entries: 15,
            checkpoints: 2,
            last: Some((2, all[14].id))
        }
    );
    assert_eq!(
        audit::verify_anchored(&db.conn, None).await.unwrap(),
        Verdict::Unchecked {
            entries: 15,
            checkpoints: 2
        }
    );
    let other = AuditKey::generate();
    assert_broken_checkpoint(
        &audit::verify_anchored(&db.conn, Some(&other))
            .await
            .unwrap(),
        "another key",
    );

    // Deleting the last entries: the chain alone still looks intact, the checkpoint not.
    audit_entry::Entity::delete_many()
        .filter(audit_entry::Column::Id.gte(all[12].id))
        .exec(&db.conn)
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&db.conn).await.unwrap(),
        None,
        "the bare chain misses it"
    );
    let v = audit::verify_anchored(&db.conn, Some(&key)).await.unwrap();
    assert_broken_checkpoint(&v, "missing");
    assert!(
        matches!(v, Verdict::BrokenCheckpoint { seq: 2, .. }),
        "{v:?}"
    );
    // Even without the key, a checkpoint the chain no longer reaches is a break.
    assert_broken_checkpoint(
        &audit::verify_anchored(&db.conn, None).await.unwrap(),
        "missing",
    );

    // Editing an entry: the first broken entry is named.
    let db = fresh(&tmp, "b").await;
    add_entries(&db, 8).await;
    audit::checkpoint(&db.conn, &key).await.unwrap().unwrap();
    let all = entries(&db).await;
    let mut victim = all[4].clone().into_active_model();
    victim.after = Set(Some("{\"n\": 999}".into()));
    victim.update(&db.conn).await.unwrap();
    assert_eq!(
        audit::verify_anchored(&db.conn, Some(&key)).await.unwrap(),
        Verdict::BrokenEntry(all[4].id)
    );

    // Recomputing the whole chain after an edit: every link agrees, the signed
    // checkpoint does not; forging the checkpoint's hash breaks its signature.
    let mut prev = String::new();
    for e in entries(&db).await {
        let h = attacker_hash(&prev, &e);
        let mut m = e.into_active_model();
        m.prev_hash = Set(prev.clone());
        m.hash = Set(h.clone());
        m.update(&db.conn).await.unwrap();
        prev = h;
    }
    assert_eq!(
        audit::verify(&db.conn).await.unwrap(),
        None,
        "the bare chain misses it"
    );
    assert_broken_checkpoint(
        &audit::verify_anchored(&db.conn, Some(&key)).await.unwrap(),
        "rewritten",
    );
    let cp = audit_checkpoint::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    let mut forged = cp.into_active_model();
    forged.last_hash = Set(prev);
    forged.update(&db.conn).await.unwrap();
    assert_broken_checkpoint(
        &audit::verify_anchored(&db.conn, Some(&key)).await.unwrap(),
        "signature",
    );

    // Deleting a checkpoint in the middle of the sequence is seen too.
    let db = fresh(&tmp, "c").await;
    for _ in 0..3 {
        add_entries(&db, 2).await;
        audit::checkpoint(&db.conn, &key).await.unwrap().unwrap();
    }
    audit_checkpoint::Entity::delete_by_id(2i64)
        .exec(&db.conn)
        .await
        .unwrap();
    assert_broken_checkpoint(
        &audit::verify_anchored(&db.conn, Some(&key)).await.unwrap(),
        "checkpoint 2 is missing",
    );
}

#[tokio::test]
async fn an_installed_key_seals_the_chain_every_hundred_entries() {
    let tmp = Tmp::new();
    let db = fresh(&tmp, "auto").await;
    let key = key();
    add_entries(&db, audit::CHECKPOINT_EVERY + 5).await;
    let cps = audit_checkpoint::Entity::find()
        .all(&db.conn)
        .await
        .unwrap();
    assert!(
        !cps.is_empty(),
        "a checkpoint after {} entries",
        audit::CHECKPOINT_EVERY
    );
    assert_eq!(cps[0].entry_count, audit::CHECKPOINT_EVERY);
    assert!(matches!(
        audit::verify_anchored(&db.conn, Some(&key)).await.unwrap(),
        Verdict::Intact { .. }
    ));
}

async fn compare(a: &Db, b: &Db) {
    let names = backup::table_names(&a.conn).await.unwrap();
    assert_eq!(names, backup::table_names(&b.conn).await.unwrap());
    assert!(names.len() > 25, "{names:?}");
    let mut non_empty = 0;
    for t in &names {
        let ra = backup::table_rows(&a.conn, t).await.unwrap();
        let rb = backup::table_rows(&b.conn, t).await.unwrap();
        assert_eq!(ra.len(), rb.len(), "rows of {t}");
        assert_eq!(ra, rb, "table {t} differs");
        if !ra.is_empty() {
            non_empty += 1;
        }
    }
    assert!(
        non_empty > 15,
        "the demo fills most tables, {non_empty} are filled"
    );
}

#[tokio::test]
async fn backup_and_restore_round_trip_the_demo_row_for_row() {
    let tmp = Tmp::new();
    let key = key();
    let src = fresh(&tmp, "src").await;
    let files = tmp.0.join("files");
    demo::load_with_files(
        &src.conn,
        &ocop_store::documents::LocalStore {
            root: files.clone(),
        },
    )
    .await
    .unwrap()
    .expect("demo loaded");
    audit::checkpoint(&src.conn, &key).await.unwrap();

    let file = tmp.0.join("ocop.backup");
    let r = backup::backup(&src, &file, Some(&files)).await.unwrap();
    assert!(r.rows > 500 && r.files > 0, "{r:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup holds the signing keys");
    }
    // A second backup never overwrites the first.
    let err = backup::backup(&src, &file, None).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");

    let dst = fresh(&tmp, "dst").await;
    let restored_files = tmp.0.join("restored-files");
    std::fs::create_dir_all(&restored_files).unwrap();
    let r2 = backup::restore(&dst, &file, Some(&restored_files), false)
        .await
        .unwrap();
    assert_eq!((r2.rows, r2.tables, r2.files), (r.rows, r.tables, r.files));
    compare(&src, &dst).await;
    assert!(matches!(
        audit::verify_anchored(&dst.conn, Some(&key)).await.unwrap(),
        Verdict::Intact {
            checkpoints: 1..,
            ..
        }
    ));
    for doc in ocop_store::entities::document::Entity::find()
        .all(&dst.conn)
        .await
        .unwrap()
    {
        let store = ocop_store::documents::LocalStore {
            root: restored_files.clone(),
        };
        use ocop_store::documents::FileStore;
        let bytes = store.get(&doc.sha256).expect("restored file");
        assert_eq!(hex::encode(Sha256::digest(&bytes)), doc.sha256);
    }
    // The ids go on after the restored ones (PostgreSQL's sequences were reset).
    add_entries(&dst, 2).await;
    assert!(matches!(
        audit::verify_anchored(&dst.conn, Some(&key)).await.unwrap(),
        Verdict::Intact { .. }
    ));

    // Not into a database with data, unless forced; then it is replaced.
    let err = backup::restore(&dst, &file, None, false).await.unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    let r3 = backup::restore(&dst, &file, None, true).await.unwrap();
    assert_eq!(r3.files_skipped, r.files);
    compare(&src, &dst).await;

    // A cut or edited file is refused and changes nothing.
    let text = std::fs::read_to_string(&file).unwrap();
    let cut = tmp.0.join("cut.backup");
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&cut, lines[..lines.len() / 2].join("\n") + "\n").unwrap();
    let target = fresh(&tmp, "target").await;
    let err = backup::restore(&target, &cut, None, false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("incomplete"), "{err}");
    let edited = tmp.0.join("edited.backup");
    std::fs::write(&edited, text.replacen("HTX", "HTy", 1)).unwrap();
    let err = backup::restore(&target, &edited, None, false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("damaged"), "{err}");
    let producers = backup::table_rows(&target.conn, "producers").await.unwrap();
    assert!(producers.is_empty(), "nothing half-restored");
    let err = backup::restore(&target, &tmp.0.join("none"), None, false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot read backup"), "{err}");
}
