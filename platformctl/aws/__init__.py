"""AWS through boto3: sessions that honour AWS_ENDPOINT_URL, and SDK errors turned into sentences."""
