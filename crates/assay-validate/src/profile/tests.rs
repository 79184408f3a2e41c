use super::*;

#[test]
fn shapes_and_known_patterns() {
    let mut values: Map<String> = Map::with_hasher(HASH);
    values.extend([("M-000123", 3), ("M-004567", 5), ("M-9", 1)].map(|(k, n)| (k.to_string(), n)));
    let p = patterns(&values);
    assert_eq!(p[0].regex, "^[A-Z]\\-[0-9]{1,6}$");
    assert_eq!(p[0].fraction, 1.0);
    let mut emails: Map<String> = Map::with_hasher(HASH);
    emails.extend([("a@b.com", 99), ("broken", 1)].map(|(k, n)| (k.to_string(), n)));
    let p = patterns(&emails);
    let email = p.iter().find(|p| p.kind == "email").unwrap();
    assert_eq!(email.fraction, 0.99);
}

#[test]
fn moments_merge_exactly() {
    let values = [1.0, 2.0, 4.0, 8.0, 16.0, 3.5];
    let mut whole = Moments::default();
    values.iter().for_each(|v| welford(&mut whole, *v));
    let (mut a, mut b) = (Moments::default(), Moments::default());
    values[..2].iter().for_each(|v| welford(&mut a, *v));
    values[2..].iter().for_each(|v| welford(&mut b, *v));
    a.merge(b);
    assert!((a.mean - whole.mean).abs() < 1e-12);
    assert!((a.m2 - whole.m2).abs() < 1e-9);
}

#[test]
fn order_joins_across_row_groups() {
    let mut a = None;
    [1, 2, 2].iter().for_each(|v| step(&mut a, Key::I(*v)));
    let mut b = None;
    [3, 5].iter().for_each(|v| step(&mut b, Key::I(*v)));
    let j = join(a, b).unwrap();
    assert!(j.inc && !j.strict_inc && !j.dec);
    let mut c = None;
    [0].iter().for_each(|v| step(&mut c, Key::I(*v)));
    assert!(!join(join(a, b), c).unwrap().inc);
}

#[test]
fn exact_distinct_turns_into_an_estimate_past_the_limit() {
    let mut d: Distinct_<i64> = Distinct_::new();
    for v in 0..50 {
        d.add(&v, 1, 100);
    }
    assert_eq!(
        d.result(),
        Distinct {
            count: 50,
            estimated: false
        }
    );
    for v in 0..10_000 {
        d.add(&v, 1, 100);
    }
    let r = d.result();
    assert!(r.estimated);
    assert!((9_500..10_500).contains(&r.count), "{r:?}");
}

#[test]
fn chinese_id_and_mobile_numbers_are_recognised_by_their_rules() {
    // The example of GB 11643-1999, and the same number with a wrong check digit.
    assert!(finish::is_cn_id("11010519491231002X"));
    assert!(!finish::is_cn_id("110105194912310021"));
    assert!(!finish::is_cn_id("1101051949123100"));
    assert!(finish::is_cn_mobile("13800138000"));
    assert!(finish::is_cn_mobile("+8613800138000"));
    assert!(!finish::is_cn_mobile("12800138000"));
    let mut ids: Map<String> = Map::with_hasher(HASH);
    ids.extend([("11010519491231002X", 5)].map(|(k, n)| (k.to_string(), n)));
    assert!(patterns(&ids).iter().any(|p| p.kind == "cn_id"));
    // Eighteen digits that fail the check are not ID numbers.
    let mut other: Map<String> = Map::with_hasher(HASH);
    other.extend([("110105194912310021", 5)].map(|(k, n)| (k.to_string(), n)));
    assert!(!patterns(&other).iter().any(|p| p.kind == "cn_id"));
}
