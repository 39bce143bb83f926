"""S3-compatible object storage for tests: moto in server mode on loopback (a real HTTP S3
endpoint that boto3 and django-storages talk to), with a bucket made for the test."""

import contextlib
import socket
import uuid

import boto3

ACCESS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def s3_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, **ACCESS)


@contextlib.contextmanager
def moto_s3():
    """Yields (endpoint URL, bucket name) of a fresh bucket on a moto server in this process."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    bucket = f"choso-{uuid.uuid4().hex[:8]}"
    s3_client(endpoint).create_bucket(Bucket=bucket)
    try:
        yield endpoint, bucket
    finally:
        server.stop()


def storage_settings(endpoint: str, bucket: str) -> dict:
    """The settings an operator sets (docs/deploy.md) for this bucket."""
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": ACCESS["aws_secret_access_key"],
        "AWS_S3_REGION_NAME": ACCESS["region_name"],
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
