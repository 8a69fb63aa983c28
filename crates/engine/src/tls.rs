//! TLS certificates as the simulated apps read them: a PEM `tls.crt` from a `kubernetes.io/tls`
//! Secret, walked just far enough in DER to find `validity.notAfter` (no signature checks, no
//! crypto crates), and a builder of structurally valid placeholder certificates for scenarios.

use base64::Engine;
use kubeplay_api::Time;

/// Why a certificate could not be read, in the words a TLS server's log would use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error("no PEM CERTIFICATE block found")]
    NoPem,
    #[error("PEM body is not valid base64")]
    Base64,
    #[error("malformed certificate: {0}")]
    Der(&'static str),
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The DER bytes of the first `CERTIFICATE` block of a PEM text.
fn pem_certificate(pem: &str) -> Result<Vec<u8>, CertError> {
    let begin = "-----BEGIN CERTIFICATE-----";
    let end = "-----END CERTIFICATE-----";
    let start = pem.find(begin).ok_or(CertError::NoPem)? + begin.len();
    let rest = pem.get(start..).ok_or(CertError::NoPem)?;
    let stop = rest.find(end).ok_or(CertError::NoPem)?;
    let body: String = rest
        .get(..stop)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    B64.decode(body.as_bytes()).map_err(|_| CertError::Base64)
}

/// One DER element: its tag and contents, and what follows it.
fn element(der: &[u8]) -> Result<(u8, &[u8], &[u8]), CertError> {
    let (&tag, rest) = der.split_first().ok_or(CertError::Der("truncated"))?;
    let (&first, rest) = rest
        .split_first()
        .ok_or(CertError::Der("truncated length"))?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return Err(CertError::Der("unsupported length"));
        }
        let bytes = rest.get(..n).ok_or(CertError::Der("truncated length"))?;
        let len = bytes.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, rest.get(n..).unwrap_or_default())
    };
    let contents = rest
        .get(..len)
        .ok_or(CertError::Der("truncated contents"))?;
    Ok((tag, contents, rest.get(len..).unwrap_or_default()))
}

fn expect<'a>(
    der: &'a [u8],
    tag: u8,
    what: &'static str,
) -> Result<(&'a [u8], &'a [u8]), CertError> {
    let (t, contents, rest) = element(der)?;
    if t != tag {
        return Err(CertError::Der(what));
    }
    Ok((contents, rest))
}

/// `UTCTime` (YYMMDDHHMMSSZ, years 1950–2049) or `GeneralizedTime` (YYYYMMDDHHMMSSZ).
fn der_time(tag: u8, s: &[u8]) -> Result<Time, CertError> {
    let s = std::str::from_utf8(s).map_err(|_| CertError::Der("time is not ASCII"))?;
    let digits = s
        .strip_suffix('Z')
        .ok_or(CertError::Der("time is not UTC"))?;
    let (year, rest) = match tag {
        0x17 => {
            let yy: i64 = digits
                .get(..2)
                .and_then(|v| v.parse().ok())
                .ok_or(CertError::Der("bad UTCTime"))?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, digits.get(2..))
        }
        0x18 => (
            digits
                .get(..4)
                .and_then(|v| v.parse().ok())
                .ok_or(CertError::Der("bad GeneralizedTime"))?,
            digits.get(4..),
        ),
        _ => return Err(CertError::Der("validity is not a time")),
    };
    let rest = rest
        .filter(|r| r.len() == 10)
        .ok_or(CertError::Der("bad time"))?;
    let rfc = format!(
        "{year:04}-{}-{}T{}:{}:{}Z",
        &rest[0..2],
        &rest[2..4],
        &rest[4..6],
        &rest[6..8],
        &rest[8..10]
    );
    Time::parse_rfc3339(&rfc).ok_or(CertError::Der("bad time"))
}

/// `(notBefore, notAfter)` of a DER certificate: Certificate → tbsCertificate → [version],
/// serialNumber, signature, issuer, validity.
pub fn certificate_validity_der(der: &[u8]) -> Result<(Time, Time), CertError> {
    let (cert, _) = expect(der, 0x30, "certificate is not a SEQUENCE")?;
    let (tbs, _) = expect(cert, 0x30, "tbsCertificate is not a SEQUENCE")?;
    let mut rest = tbs;
    if rest.first() == Some(&0xa0) {
        rest = element(rest)?.2; // [0] version
    }
    rest = expect(rest, 0x02, "serialNumber is not an INTEGER")?.1;
    rest = expect(rest, 0x30, "signature is not a SEQUENCE")?.1;
    rest = expect(rest, 0x30, "issuer is not a SEQUENCE")?.1;
    let (validity, _) = expect(rest, 0x30, "validity is not a SEQUENCE")?;
    let (t1, nb, after) = element(validity)?;
    let (t2, na, _) = element(after)?;
    Ok((der_time(t1, nb)?, der_time(t2, na)?))
}

/// `notAfter` of the first certificate in a PEM text (a `tls.crt`).
pub fn certificate_not_after(pem: &str) -> Result<Time, CertError> {
    certificate_validity_der(&pem_certificate(pem)?).map(|(_, after)| after)
}

fn der(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(contents);
    out
}

fn generalized_time(t: Time) -> Vec<u8> {
    let s = t.rfc3339().replace(['-', ':', 'T'], "");
    der(0x18, s.as_bytes())
}

fn name(common_name: &str) -> Vec<u8> {
    // Name → RDNSequence → SET → AttributeTypeAndValue (CN = 2.5.4.3, UTF8String).
    let oid_cn = der(0x06, &[0x55, 0x04, 0x03]);
    let value = der(0x0c, common_name.as_bytes());
    der(0x30, &der(0x31, &der(0x30, &[oid_cn, value].concat())))
}

/// A PEM certificate for `common_name` valid from `not_before` to `not_after`. Its structure is
/// X.509's, but its key and signature are placeholders: enough for the playground's apps, which
/// read only the validity, and for a learner to see a real-looking `tls.crt`.
pub fn certificate_pem(common_name: &str, not_before: Time, not_after: Time) -> String {
    let version = der(0xa0, &der(0x02, &[0x02]));
    let serial = der(0x02, &[0x01]);
    // sha256WithRSAEncryption, NULL parameters.
    let alg = der(
        0x30,
        &[
            der(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
            ),
            der(0x05, &[]),
        ]
        .concat(),
    );
    let validity = der(
        0x30,
        &[generalized_time(not_before), generalized_time(not_after)].concat(),
    );
    let subject = name(common_name);
    let spki = der(
        0x30,
        &[
            der(
                0x30,
                &[
                    der(
                        0x06,
                        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
                    ),
                    der(0x05, &[]),
                ]
                .concat(),
            ),
            der(0x03, &[0x00, 0x30, 0x03, 0x02, 0x01, 0x00]),
        ]
        .concat(),
    );
    let tbs = der(
        0x30,
        &[
            version,
            serial,
            alg.clone(),
            subject.clone(),
            validity,
            subject,
            spki,
        ]
        .concat(),
    );
    let cert = der(0x30, &[tbs, alg, der(0x03, &[0x00, 0x00])].concat());
    let b64 = B64.encode(cert);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    /// A self-signed certificate made by OpenSSL 3.0 (`openssl ca -selfsign -startdate
    /// 20251201000000Z -enddate 20260101001000Z`): UTCTime validity.
    const OPENSSL_PEM: &str = include_str!("../tests/fixtures/expiring.crt");
    /// A v3 EC certificate from `openssl req -x509 -days 36500`: GeneralizedTime after 2049.
    const OPENSSL_V3_PEM: &str = include_str!("../tests/fixtures/v3-ec.crt");

    fn check(pem: &str, expect: Expect) {
        let got = match certificate_not_after(pem) {
            Ok(t) => t.rfc3339(),
            Err(e) => format!("error: {e}"),
        };
        expect.assert_eq(&got);
    }

    #[test]
    fn not_after_of_certificates() {
        check(OPENSSL_PEM, expect!["2026-01-01T00:10:00Z"]);
        check(OPENSSL_V3_PEM, expect!["2126-11-01T17:21:14Z"]);
        let t = |s: &str| Time::parse_rfc3339(s).unwrap_or_default();
        check(
            &certificate_pem(
                "web.example",
                t("2025-12-01T00:00:00Z"),
                t("2026-03-01T12:30:45Z"),
            ),
            expect!["2026-03-01T12:30:45Z"],
        );
        check(
            &certificate_pem(
                &"x".repeat(300),
                t("2025-12-01T00:00:00Z"),
                t("2051-01-01T00:00:00Z"),
            ),
            expect!["2051-01-01T00:00:00Z"],
        );
        check(
            "not a certificate",
            expect!["error: no PEM CERTIFICATE block found"],
        );
        check(
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
            expect!["error: PEM body is not valid base64"],
        );
        check(
            "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
            expect!["error: malformed certificate: truncated"],
        );
        check(
            "-----BEGIN CERTIFICATE-----\nAgEB\n-----END CERTIFICATE-----\n",
            expect!["error: malformed certificate: certificate is not a SEQUENCE"],
        );
    }

    #[test]
    fn utc_time_centuries() {
        assert_eq!(
            der_time(0x17, b"491231235959Z").map(Time::rfc3339),
            Ok("2049-12-31T23:59:59Z".into())
        );
        assert_eq!(
            der_time(0x17, b"500101000000Z").map(Time::rfc3339),
            Ok("1950-01-01T00:00:00Z".into())
        );
        assert!(der_time(0x17, b"5001010000Z").is_err());
        assert!(der_time(0x18, b"20261301000000Z").is_err());
    }

    #[test]
    fn truncated_input_never_panics() {
        let pem = certificate_pem("a", crate::EPOCH, crate::EPOCH.plus_millis(1000));
        let der = pem_certificate(&pem).unwrap_or_default();
        for n in 0..der.len() {
            let _ = certificate_validity_der(&der[..n]);
        }
    }
}
