//! Rollout features end to end: undo (as kubectl does it, client-side), pause and resume,
//! `rollout restart`, progressDeadlineSeconds, revisionHistoryLimit and proportional scaling.

mod common;

use common::*;
use expect_test::{expect, Expect};
use kubeplay_api::apps::{POD_TEMPLATE_HASH_LABEL, RESTARTED_AT_ANNOTATION};
use kubeplay_api::{Deployment, Kind, Object, ReplicaSet};
use kubeplay_engine::Cluster;

fn update(c: &mut Cluster, name: &str, f: impl FnOnce(&mut Deployment)) {
    let mut d = deployment(c, name);
    f(&mut d);
    c.update(Object::Deployment(d)).expect("update accepted");
}

fn set_image(c: &mut Cluster, name: &str, image: &str) {
    update(c, name, |d| {
        if let Some(ctr) = d.spec.template.spec.containers.first_mut() {
            ctr.image = image.into();
        }
    });
}

fn replica_sets(c: &Cluster) -> Vec<ReplicaSet> {
    c.list(Kind::ReplicaSet, Some("default"), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::ReplicaSet(rs) => Some(rs.clone()),
            _ => None,
        })
        .collect()
}

/// `kubectl rollout undo [--to-revision=N]` as kubectl's `DeploymentRollbacker` does it: the
/// target ReplicaSet's template (without pod-template-hash) replaces the Deployment's.
fn undo(c: &mut Cluster, name: &str, to_revision: i64) -> Result<String, String> {
    let d = deployment(c, name);
    if d.spec.paused {
        return Err(format!("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{name}' and try again"));
    }
    let mut rss: Vec<ReplicaSet> = replica_sets(c)
        .into_iter()
        .filter(|rs| {
            rs.metadata
                .controller()
                .is_some_and(|o| o.uid == d.metadata.uid)
        })
        .collect();
    rss.sort_by_key(|rs| rs.revision());
    let target = if to_revision == 0 {
        rss.iter().rev().nth(1)
    } else {
        rss.iter().find(|rs| rs.revision() == to_revision)
    };
    let Some(target) = target else {
        return Err("no rollout history found".into());
    };
    let mut template = target.spec.template.clone();
    template.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
    if template == d.spec.template {
        return Ok(format!(
            "skipped rollback (current template already matches revision {})",
            target.revision()
        ));
    }
    update(c, name, |d| d.spec.template = template);
    Ok(format!("deployment.apps/{name} rolled back"))
}

/// The Deployment's ReplicaSets by revision: image, history, spec/ready.
fn history(c: &Cluster) -> String {
    let mut rss = replica_sets(c);
    rss.sort_by_key(|rs| rs.revision());
    rss.iter()
        .map(|rs| {
            let image = rs
                .spec
                .template
                .spec
                .containers
                .first()
                .map(|c| c.image.clone())
                .unwrap_or_default();
            let hist = rs
                .metadata
                .annotation("deployment.kubernetes.io/revision-history")
                .map(|h| format!(" (was {h})"))
                .unwrap_or_default();
            format!(
                "revision {}{hist}: {image} {}/{}",
                rs.revision(),
                rs.status.ready_replicas,
                rs.replicas()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Deployment's conditions, with ReplicaSet names shown as `web-<image>`.
fn conditions(c: &Cluster, name: &str) -> String {
    let names: Vec<(String, String)> = replica_sets(c)
        .iter()
        .map(|rs| {
            let image = rs.spec.template.spec.containers[0].image.clone();
            (rs.metadata.name.clone(), format!("{name}-<{image}>"))
        })
        .collect();
    deployment(c, name)
        .status
        .conditions
        .iter()
        .map(|c| {
            let mut msg = c.message.clone();
            for (rs, shown) in &names {
                msg = msg.replace(rs, shown);
            }
            format!("{} {} {}: {msg}", c.type_, c.status, c.reason)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_history(c: &Cluster, expect: Expect) {
    let d = deployment(c, "web");
    let rev = d
        .metadata
        .annotation("deployment.kubernetes.io/revision")
        .unwrap_or("-")
        .to_string();
    expect.assert_eq(&format!("deployment revision {rev}\n{}", history(c)));
}

fn running_images(c: &Cluster) -> Vec<String> {
    let mut v: Vec<String> = pods(c)
        .iter()
        .filter(|p| !p.is_terminating())
        .map(|p| format!("{} ready={}", p.spec.containers[0].image, p.is_ready()))
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn undo_restores_the_previous_template_under_the_next_revision() {
    let mut c = cluster(3, 21);
    apply_yaml(&mut c, &deployment_yaml("web", 3, "nginx:1.10", "", ""));
    c.advance(30_000);
    set_image(&mut c, "web", "nginx:1.11");
    c.advance(60_000);
    check_history(
        &c,
        expect![[r#"
            deployment revision 2
            revision 1: nginx:1.10 0/0
            revision 2: nginx:1.11 3/3"#]],
    );
    assert_eq!(
        undo(&mut c, "web", 0).as_deref(),
        Ok("deployment.apps/web rolled back")
    );
    c.advance(60_000);
    check_history(
        &c,
        expect![[r#"
            deployment revision 3
            revision 2: nginx:1.11 0/0
            revision 3 (was 1): nginx:1.10 3/3"#]],
    );
    assert_eq!(running_images(&c), vec!["nginx:1.10 ready=true"]);
    // Undo again goes back to what was revision 2, now revision 4.
    assert!(undo(&mut c, "web", 0).is_ok());
    c.advance(60_000);
    check_history(
        &c,
        expect![[r#"
            deployment revision 4
            revision 3 (was 1): nginx:1.10 0/0
            revision 4 (was 2): nginx:1.11 3/3"#]],
    );
    // --to-revision of the current template is skipped, as kubectl says.
    assert_eq!(
        undo(&mut c, "web", 4).as_deref(),
        Ok("skipped rollback (current template already matches revision 4)")
    );
    // --to-revision=3 rolls back to nginx:1.10 again, as revision 5 (history 1,3).
    assert!(undo(&mut c, "web", 3).is_ok());
    c.advance(60_000);
    check_history(
        &c,
        expect![[r#"
            deployment revision 5
            revision 4 (was 2): nginx:1.11 0/0
            revision 5 (was 1,3): nginx:1.10 3/3"#]],
    );
}

#[test]
fn pause_holds_template_changes_and_resume_rolls_them_out() {
    let mut c = cluster(3, 22);
    apply_yaml(&mut c, &deployment_yaml("web", 4, "nginx:1.10", "", ""));
    c.advance(30_000);
    update(&mut c, "web", |d| d.spec.paused = true);
    c.advance(1_000);
    set_image(&mut c, "web", "nginx:1.11");
    c.advance(30_000);
    expect![[r#"
        Available True MinimumReplicasAvailable: Deployment has minimum availability.
        Progressing Unknown DeploymentPaused: Deployment is paused"#]]
    .assert_eq(&conditions(&c, "web"));
    assert_eq!(replica_sets(&c).len(), 1, "no new ReplicaSet while paused");
    // Scaling while paused works (proportionally, here on the one ReplicaSet).
    update(&mut c, "web", |d| d.spec.replicas = Some(6));
    c.advance(30_000);
    assert_eq!(running_images(&c), vec!["nginx:1.10 ready=true"]);
    assert_eq!(pods(&c).len(), 6);
    update(&mut c, "web", |d| d.spec.paused = false);
    c.advance(90_000);
    assert_eq!(running_images(&c), vec!["nginx:1.11 ready=true"]);
    check_history(
        &c,
        expect![[r#"
            deployment revision 2
            revision 1: nginx:1.10 0/0
            revision 2: nginx:1.11 6/6"#]],
    );
    expect![[r#"
        Available True MinimumReplicasAvailable: Deployment has minimum availability.
        Progressing True NewReplicaSetAvailable: ReplicaSet "web-<nginx:1.11>" has successfully progressed."#]]
    .assert_eq(&conditions(&c, "web"));
}

#[test]
fn rollout_restart_replaces_every_pod_under_a_new_revision() {
    let mut c = cluster(3, 23);
    apply_yaml(&mut c, &deployment_yaml("web", 3, "nginx:1.10", "", ""));
    c.advance(30_000);
    let before: Vec<String> = pods(&c).iter().map(|p| p.metadata.name.clone()).collect();
    update(&mut c, "web", |d| {
        d.spec.template.metadata.annotations.insert(
            RESTARTED_AT_ANNOTATION.into(),
            "2026-01-01T00:00:30Z".into(),
        );
    });
    c.advance(60_000);
    let after = pods(&c);
    assert_eq!(after.len(), 3);
    assert!(after
        .iter()
        .all(|p| !before.contains(&p.metadata.name) && p.is_ready()));
    check_history(
        &c,
        expect![[r#"
            deployment revision 2
            revision 1: nginx:1.10 0/0
            revision 2: nginx:1.10 3/3"#]],
    );
}

#[test]
fn an_image_that_never_pulls_exceeds_the_progress_deadline() {
    let mut c = cluster(3, 24);
    apply_yaml(&mut c, &deployment_yaml("web", 4, "nginx:1.10", "", ""));
    update(&mut c, "web", |d| {
        d.spec.progress_deadline_seconds = Some(30)
    });
    c.advance(30_000);
    set_image(&mut c, "web", "nginx:9.99");
    c.advance(20_000);
    expect![[r#"
        Available True MinimumReplicasAvailable: Deployment has minimum availability.
        Progressing True ReplicaSetUpdated: ReplicaSet "web-<nginx:9.99>" is progressing."#]]
    .assert_eq(&conditions(&c, "web"));
    c.advance(30_000);
    expect![[r#"
        Available True MinimumReplicasAvailable: Deployment has minimum availability.
        Progressing False ProgressDeadlineExceeded: ReplicaSet "web-<nginx:9.99>" has timed out progressing."#]]
    .assert_eq(&conditions(&c, "web"));
    // The old pods keep serving: maxUnavailable (1 of 4) is all the rollout took.
    let ready_old = pods(&c)
        .iter()
        .filter(|p| p.spec.containers[0].image == "nginx:1.10" && p.is_ready())
        .count();
    assert_eq!(ready_old, 3);
    let stuck = pods(&c)
        .iter()
        .filter(|p| p.spec.containers[0].image == "nginx:9.99")
        .map(kubeplay_api::summary::pod_status)
        .collect::<std::collections::BTreeSet<_>>();
    assert!(
        stuck
            .iter()
            .all(|s| s == "ErrImagePull" || s == "ImagePullBackOff"),
        "{stuck:?}"
    );
    // Fixing the image lets the rollout complete; the condition says so.
    set_image(&mut c, "web", "nginx:1.11");
    c.advance(90_000);
    assert_eq!(running_images(&c), vec!["nginx:1.11 ready=true"]);
    assert!(conditions(&c, "web").contains("NewReplicaSetAvailable"));
}

#[test]
fn revision_history_limit_deletes_the_oldest_replica_sets() {
    let mut c = cluster(3, 25);
    apply_yaml(&mut c, &deployment_yaml("web", 2, "nginx:1.10", "", ""));
    update(&mut c, "web", |d| d.spec.revision_history_limit = Some(2));
    c.advance(30_000);
    for image in ["nginx:1.11", "nginx:1.12", "nginx:1.13", "nginx:1.14"] {
        set_image(&mut c, "web", image);
        c.advance(60_000);
    }
    check_history(
        &c,
        expect![[r#"
            deployment revision 5
            revision 3: nginx:1.12 0/0
            revision 4: nginx:1.13 0/0
            revision 5: nginx:1.14 2/2"#]],
    );
}

#[test]
fn scaling_during_a_rollout_is_proportional() {
    let mut c = cluster(4, 26);
    apply_yaml(&mut c, &deployment_yaml("web", 10, "nginx:1.10", "", ""));
    c.advance(60_000);
    // A new image that never pulls: the rollout stops with both ReplicaSets active.
    set_image(&mut c, "web", "nginx:9.99");
    c.advance(20_000);
    check_history(
        &c,
        expect![[r#"
            deployment revision 2
            revision 1: nginx:1.10 8/8
            revision 2: nginx:9.99 0/5"#]],
    );
    update(&mut c, "web", |d| d.spec.replicas = Some(20));
    c.advance(5_000);
    // 20 + 5 surge = 25 allowed; 13 now: 12 more, shared 8:5 by the max-replicas annotation (13).
    check_history(
        &c,
        expect![[r#"
            deployment revision 2
            revision 1: nginx:1.10 15/15
            revision 2: nginx:9.99 0/10"#]],
    );
}
