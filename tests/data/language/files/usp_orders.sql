IF OBJECT_ID('dbo.usp_GetOrders', 'P') IS NOT NULL
    DROP PROCEDURE dbo.usp_GetOrders;
GO

CREATE PROCEDURE dbo.usp_GetOrders
    @CustomerId INT,
    @Since DATETIME2 = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SELECT TOP (100) o.OrderId, o.OrderDate, o.Total
    FROM dbo.Orders AS o WITH (NOLOCK)
    WHERE o.CustomerId = @CustomerId
      AND (@Since IS NULL OR o.OrderDate >= @Since)
    ORDER BY o.OrderDate DESC;
END
GO
