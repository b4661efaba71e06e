"""The commented arrangement file `wblqa consortium init` writes (format 1)."""

from __future__ import annotations

TEMPLATE = """\
# A BTEC collaborative arrangement, for `wblqa consortium check`.
# Share this file with your partner centres and keep it under version control.
# Dates are written 2025-09-08. Lines starting with # are comments.
# Guidance: BTEC Centre Guide to Collaborative Arrangements (v1.1, Sept 2024).
#
# Every value below is a SAMPLE. Replace them with your arrangement's, then delete
# the next line: `wblqa consortium check` fails while it is there.
unedited_template = true

format = 1                              # the file format; leave at 1
name = "North Vale BTEC Consortium"     # the arrangement's name (unique in your store)
model = "formal"                        # informal | formal | exceptional
                                        # (not sure? run `wblqa consortium advise`)
academic_year = "2025-26"               # the year these dates and checks are for
delivery_start = 2025-09-08             # first day of teaching under the arrangement
recruitment_start = 2025-08-18          # optional: when learners are first recruited
application_submitted = 2025-07-01      # optional: when the Lead Centre applied to Pearson
approved = 2025-07-25                   # optional: when Pearson approved the arrangement

# Optional, whole arrangement:
delivery_sites_declared = true          # every delivery site declared to the Standards Verifier
# mixed_groups = false                  # true: a group mixes learners of several centres
                                        # (formal: all register on the consortium code)
# shared_assessment = false             # informal only: true means one centre assesses
                                        # another's learners (needs a formal arrangement)
# joint_registration = false            # informal only: true means centres register
                                        # learners jointly (needs a formal arrangement)

# One [[organisations]] block per organisation in the arrangement.
[[organisations]]
name = "North Vale College"
centre_number = "12345"                 # leave out for a provider that is not a Pearson centre
approved_centre = true                  # a Pearson-approved centre?
lead = true                             # exactly one Lead Centre (formal and exceptional)
uk = true                               # based in the UK?
receives_funding = true                 # receives the public funding for these learners?
registers_learners = true               # registers learners and claims certificates?
aqd_completed = true                    # this year's Annual Quality Declaration done?
# BTEC policies in place. Known: registration-certification, assessment,
# internal-verification, distance-learning, malpractice, appeals, complaints,
# collaborative-arrangements.
policies = ["registration-certification", "malpractice", "appeals", "collaborative-arrangements"]
# Qualification codes this centre is approved for: every size counts separately.
approved_qualifications = ["603/1234/5"]
# sub_site = "12345-EX"                 # exceptional, lead only: the sub-site Pearson sets up
# written_contract = true               # exceptional, other organisations: contract in place
# due_diligence = true                  # exceptional, other organisations: checks done

[[organisations]]
name = "Riverside School"
centre_number = "23456"
approved_centre = true
uk = true
receives_funding = true
registers_learners = true
aqd_completed = true
policies = ["registration-certification", "malpractice", "appeals", "collaborative-arrangements"]
approved_qualifications = ["603/1234/5"]
qa_access = true                        # has the QA documents and its learners' records
regular_meetings = true                 # in regular progress meetings and programme review
# registers_on = "consortium"           # formal: the programme code its learners are
                                        # registered on: consortium | own

# One [[qualifications]] block per qualification (each size is its own code).
[[qualifications]]
code = "603/1234/5"
title = "Pearson BTEC Level 3 National Extended Certificate in Business"
kind = "btec"                           # btec | functional-skills | tech-award-2022
liv_appointed = 2025-09-01              # Lead Internal Verifier appointed this academic year
standardised = 2025-09-03               # standardisation with this year's CSM
first_assessment = 2025-10-06           # optional: first assessment of learner work
# assessment_site_jcq_compliant = true  # functional skills: the exam site meets JCQ rules
# registered_at_assessment_site = true  # functional skills: registered where papers are sat

# Waivers: a failure your organisation has accepted for now, with who approved it.
# [[waivers]]
# check = "members.progress-meetings"   # a check id from `wblqa consortium check`
# reason = "Termly meetings agreed from January"
# approved_by = "Head of Centre"
# expires = 2026-01-31
"""
