#!/usr/bin/env python3
"""An independent Varlink client against a running wirewatchd: the Python `varlink` package
(PyPI) reads the service's info and interface description (its parser must accept it, and the
interface file in the repository), then calls GetStatus, ListEvents, GetEvent, ListAlerts and a typed error.

    python3 Tests/varlink/python_client.py SOCKET INTERFACE_FILE

Prints one line per check and exits non-zero at the first failure.
"""
import sys

import varlink


def main(socket, interface_file):
    with open(interface_file, encoding="utf-8") as handle:
        parsed = varlink.Interface(handle.read())
    assert parsed.name == "io.wirewatch", parsed.name
    assert "ListEvents" in parsed.members and "GetStatus" in parsed.members, sorted(parsed.members)
    print("interface file parses:", len(parsed.members), "members")

    with varlink.Client(address="unix:" + socket) as client:
        with client.open("org.varlink.service") as service:
            info = service.GetInfo()
            assert info["vendor"] == "Wirewatch", info
            assert "io.wirewatch" in info["interfaces"], info
            print("GetInfo:", info["product"], info["version"], info["interfaces"])
            description = service.GetInterfaceDescription("io.wirewatch")["description"]
            served = varlink.Interface(description)
            assert set(served.members) == set(parsed.members), "served and file interfaces differ"
            print("GetInterfaceDescription: parsed,", len(served.members), "members")

        with client.open("io.wirewatch") as wirewatch:
            status = wirewatch.GetStatus()["status"]
            assert status["state"] in ("running", "paused"), status
            print("GetStatus:", status["state"], status["articles"], "articles")
            listed = wirewatch.ListEvents(limit=10)
            assert listed["total"] >= 1 and len(listed["events"]) >= 1, listed
            event = listed["events"][0]
            print("ListEvents:", listed["total"], "events; first:", event["id"], event["sources"], "sources")
            shown = wirewatch.GetEvent(event["id"])
            assert len(shown["articles"]) == event["articles"], shown
            print("GetEvent:", len(shown["sources"]), "sources,", len(shown["articles"]), "articles")
            alerts = wirewatch.ListAlerts(limit=5)
            assert alerts["total"] == len(alerts["alerts"]), alerts
            print("ListAlerts:", alerts["total"], "alerts")
            try:
                wirewatch.GetArticle(987654)
            except varlink.VarlinkError as error:
                assert error.error() == "io.wirewatch.NotFound", error.error()
                print("GetArticle(987654):", error.error(), error.parameters())
            else:
                raise AssertionError("GetArticle of a missing id did not fail")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
