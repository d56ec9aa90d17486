"""JSON API of the curation page, under /api/v1/curation (project leads and admins only)."""

from __future__ import annotations

import functools

from flask import jsonify, request
from flask_login import current_user, login_required

from annotator.api.blueprint import bp
from annotator.curation.data import curation_payload, queue
from annotator.extensions import db
from annotator.services.curation.gold import (
    accept_span,
    delete_gold,
    gold_dict,
    lead_document,
    lead_gold,
    set_curation_status,
    set_gold_answer,
    update_gold,
)
from annotator.services.curation.gold_merge import parse_rule, run_merge
from annotator.services.errors import NotFound, ServiceError
from annotator.services.projects.access import load_project

C = "/curation"
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def ids_in_range(view):
    """404 for ids no row can have (PostgreSQL would fail on them with a 500)."""

    @functools.wraps(view)
    def wrapper(**ids):
        if any(value > MAX_ID for value in ids.values()):
            raise NotFound("No such item.")
        return view(**ids)

    return wrapper


def _body(optional: bool = False) -> dict:
    data = request.get_json(silent=True)
    if data is None and optional:
        return {}
    if not isinstance(data, dict):
        raise ServiceError("Send a JSON object with Content-Type: application/json.")
    return data


@bp.get(C + "/projects/<int:project_id>/queue")
@login_required
@ids_in_range
def curation_queue(project_id: int):
    project, _ = load_project(current_user, project_id, lead=True)
    return jsonify({"documents": queue(project)})


@bp.post(C + "/projects/<int:project_id>/merge")
@login_required
@ids_in_range
def curation_merge_project(project_id: int):
    project, _ = load_project(current_user, project_id, lead=True)
    summary = run_merge(current_user, project, parse_rule(_body(optional=True)))
    db.session.commit()
    return jsonify(summary)


@bp.get(C + "/documents/<int:document_id>")
@login_required
@ids_in_range
def curation_document(document_id: int):
    project, document = lead_document(current_user, document_id)
    _, role = load_project(current_user, project.id, lead=True)
    return jsonify(curation_payload(current_user, role, project, document))


@bp.post(C + "/documents/<int:document_id>/merge")
@login_required
@ids_in_range
def curation_merge_document(document_id: int):
    project, document = lead_document(current_user, document_id)
    rule = parse_rule(_body(optional=True))
    summary = run_merge(current_user, project, rule, document_ids=[document.id])
    db.session.commit()
    return jsonify(summary)


@bp.post(C + "/documents/<int:document_id>/gold")
@login_required
@ids_in_range
def curation_accept(document_id: int):
    _, document = lead_document(current_user, document_id)
    gold = accept_span(current_user, document, _body())
    body = gold_dict(gold)
    db.session.commit()
    return jsonify(body), 201


@bp.patch(C + "/gold/<int:gold_id>")
@login_required
@ids_in_range
def curation_update(gold_id: int):
    lead_gold(current_user, gold_id)  # 403/404 before looking at the body
    gold = update_gold(current_user, gold_id, _body())
    body = gold_dict(gold)
    db.session.commit()
    return jsonify(body)


@bp.delete(C + "/gold/<int:gold_id>")
@login_required
@ids_in_range
def curation_delete(gold_id: int):
    version = request.args.get("version")
    if version is not None and not (version.isascii() and version.isdigit()):
        raise ServiceError("'version' must be an integer.")
    reject = request.args.get("reject") in ("1", "true")
    delete_gold(current_user, gold_id, version=int(version) if version else None, reject=reject)
    db.session.commit()
    return "", 204


@bp.put(C + "/documents/<int:document_id>/status")
@login_required
@ids_in_range
def curation_status_put(document_id: int):
    _, document = lead_document(current_user, document_id)
    status = set_curation_status(current_user, document.id, _body().get("status"))
    db.session.commit()
    return jsonify({"status": status})


@bp.put(C + "/documents/<int:document_id>/answers/<int:question_id>")
@login_required
@ids_in_range
def curation_answer(document_id: int, question_id: int):
    _, document = lead_document(current_user, document_id)
    data = _body()
    if "value" not in data:
        raise ServiceError("Send {'value': ...} (null clears the gold answer).")
    value = set_gold_answer(current_user, document, question_id, data["value"])
    db.session.commit()
    return jsonify({"question_id": question_id, "value": value})
