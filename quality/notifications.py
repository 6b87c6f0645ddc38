"""E-mails about quality reports, sent once the report's transaction commits.

The organization's publishers hear that a version was held back for personal
data, with the columns found, so they can mask it or restrict the dataset.
"""
from core.mail import absolute_link, send_after_commit
from organizations.roles import publisher_emails


def personal_data_held(version, report):
    resource = version.resource
    dataset = resource.dataset
    context = {"version": version, "resource": resource, "dataset": dataset, "columns": sorted(report.personal_data),
               "link": absolute_link("dataset-detail", dataset.identifier) + f"#resource-{resource.pk}"}
    send_after_commit("quality/email/held_subject.txt", "quality/email/held_body.txt",
                      publisher_emails(dataset.organization), context)
